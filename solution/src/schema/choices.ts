/**
 * Global choices (option sets). Values are the publisher's option value prefix × 10,000 plus the
 * option's ordinal, as the maker portal assigns them, so they never collide with another
 * publisher's values.
 */
import pacConfig from '../../../pac.config.json';
import type { ChoiceDef } from './types';

const base = pacConfig.publisher.optionValuePrefix * 10000;

function defineChoice(name: string, displayName: string, description: string, labels: readonly string[]): ChoiceDef {
  return {
    name,
    displayName,
    description,
    options: labels.map((label, i) => ({ value: base + i, label, name: label.replace(/[^A-Za-z0-9]/g, '') })),
  };
}

export const choices = [
  defineChoice('lex_sourcesystem', 'Source System', 'The practice-management system a row was migrated from.', [
    'Clio',
    'Actionstep',
    'Perfect Portal',
  ]),
  defineChoice('lex_matterstatus', 'Matter Status', "The matter's status in the source system, normalised.", [
    'Open',
    'Pending',
    'On Hold',
    'Closed',
    'Archived',
  ]),
  defineChoice('lex_billingmethod', 'Billing Method', 'How the matter is billed.', [
    'Hourly',
    'Flat Fee',
    'Contingency',
    'Mixed',
    'Not Billable',
  ]),
  defineChoice('lex_diffstatus', 'Diff Status', 'Result of comparing the migrated row with its source record.', [
    'Not Compared',
    'Match',
    'Differs',
    'Error',
  ]),
  defineChoice('lex_reviewstatus', 'Review Status', "A reviewer's verdict on a migrated row.", [
    'Not Reviewed',
    'Reviewed',
    'Flagged',
  ]),
  defineChoice('lex_entrytype', 'Entry Type', 'Whether a billable entry records time or an expense.', ['Time', 'Expense']),
  defineChoice('lex_billedstate', 'Billed State', 'Whether an entry has been billed.', ['Unbilled', 'Billed', 'Written Off']),
  defineChoice('lex_milestonestatus', 'Milestone Status', 'Where a matter stands against a milestone.', [
    'Not Started',
    'In Progress',
    'Completed',
    'Skipped',
  ]),
  defineChoice('lex_runmode', 'Run Mode', 'What a migration run did.', ['Sample', 'Full', 'Delta', 'Rollback']),
  defineChoice('lex_runstatus', 'Run Status', 'Where a migration run stands.', [
    'Planned',
    'Running',
    'Completed',
    'Completed With Errors',
    'Failed',
    'Approved',
    'Rolled Back',
    'Rollback Requested',
  ]),
  defineChoice('lex_profilestatus', 'Profile Status', 'Whether a mapping profile may be used to move records.', [
    'Draft',
    'Confirmed',
    'Superseded',
  ]),
] as const satisfies readonly ChoiceDef[];
