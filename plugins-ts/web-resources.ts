/**
 * The web resources Lexbridge ships: which source file becomes which Dynamics web resource, the
 * global its handlers hang from, and where Dynamics calls them — form events and command-bar
 * buttons, which the packer renders into the forms' FormXml and the tables' RibbonDiffXml.
 * Function names are relative to `globalName` (`onLoad` → `Lexbridge.MatterForm.onLoad`).
 * The publisher prefix is added when packing (`<prefix>_/scripts/<file>`).
 */
import { Tables } from '../solution/generated/names';

/** A function run on a form event of the table's main form, given the execution context. */
export interface FormEventDef {
  table: string;
  event: 'onload' | 'onsave';
  function: string;
}

/** A main-form command-bar button: its action and its enable rules, each given the form context (PrimaryControl). */
export interface CommandDef {
  table: string;
  name: string;
  label: string;
  tooltip: string;
  sequence: number;
  modernImage?: string;
  function: string;
  enableRules: readonly string[];
}

export interface WebResourceDef {
  entry: string;
  /** Output file under plugins-ts/out, and the web resource name after `<prefix>_/scripts/`. */
  file: string;
  globalName: string;
  displayName: string;
  description: string;
  formEvents?: readonly FormEventDef[];
  commands?: readonly CommandDef[];
}

export const WEB_RESOURCES: readonly WebResourceDef[] = [
  {
    entry: 'src/matter-form.ts',
    file: 'matterform.js',
    globalName: 'Lexbridge.MatterForm',
    displayName: 'Lexbridge matter form',
    description: 'Matter form OnLoad: provenance notification and locking of migrated fields.',
    formEvents: [{ table: Tables.lex_matter.logicalName, event: 'onload', function: 'onLoad' }],
  },
  {
    entry: 'src/run-commands.ts',
    file: 'runcommands.js',
    globalName: 'Lexbridge.RunCommands',
    displayName: 'Lexbridge run commands',
    description: 'Migration run command bar: approve sample, request rollback (Migration Admin only).',
    commands: [
      {
        table: Tables.lex_migrationrun.logicalName,
        name: 'ApproveSample',
        label: 'Approve sample',
        tooltip: 'Approve this sample run so the full migration can use its mapping version (Migration Admin only).',
        sequence: 100,
        modernImage: 'Approve',
        function: 'approveSample',
        enableRules: ['canApprove'],
      },
      {
        table: Tables.lex_migrationrun.logicalName,
        name: 'RequestRollback',
        label: 'Request rollback',
        tooltip: 'Ask for this run to be rolled back; the admin who ran it carries it out with lexbridge rollback --requested (Migration Admin only).',
        sequence: 110,
        modernImage: 'Undo',
        function: 'requestRollback',
        enableRules: ['canRequestRollback'],
      },
    ],
  },
];

export const webResourceName = (prefix: string, def: WebResourceDef) => `${prefix}_/scripts/${def.file}`;
