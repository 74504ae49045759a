/**
 * MappingReview: the mapping profile a person confirms before any record moves. Every mapped
 * field with its transform and sample values, the proposer's suggestions (score, reason) to
 * accept, re-target or reject, and what stays unmapped. Confirming writes a new confirmed
 * version (the engine's hash), and supersedes the draft.
 */
import * as React from 'react';
import {
  Badge, Button, Dropdown, Input, Option, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text, Title3, Subtitle2, makeStyles, tokens,
} from '@fluentui/react-components';
import { Choices } from '../../solution/generated/names';
import { parseProfile } from '../../scripts/src/mapping/profile-lifecycle';
import type { Profile } from '../../scripts/src/mapping/profile';
import { tableByLogicalName } from '../../solution/src/schema';
import { userEmail, type CurrentUser, type LexData } from '../shared/data';
import type { Label } from '../shared/labels';
import { confirmedVersion, mapRows, proposalKey, unmappedEntities, type ProposalDecision } from '../shared/mapping-review';
import { errorText, NoticeBar, type Notice } from '../shared/ui';
import { parseSnapshot } from '../shared/record-diff';

export interface MappingReviewProps {
  /** The row's id (`lex_mappingprofileid`). */
  recordId: string;
  /** The bound `lex_profilejson` value. */
  profileJson: string | null;
  data: LexData;
  user: CurrentUser;
  label: Label;
  now?: () => Date;
  onConfirmed?: (newId: string) => void;
}

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM, paddingBlock: tokens.spacingVerticalS },
  header: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  actions: { display: 'flex', columnGap: tokens.spacingHorizontalS },
  samples: { color: tokens.colorNeutralForeground3 },
  // Fluent's Dropdown asks for 250px; inside a table cell it takes the cell's width instead.
  dropdown: { minWidth: '0', width: '100%' },
  source: { display: 'inline-flex', alignItems: 'center', columnGap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
});

/** Up to three values per top-level source field, from migrated rows' snapshots. */
async function loadSamples(data: LexData, tables: readonly string[]): Promise<Map<string, string[]>> {
  const samples = new Map<string, string[]>();
  for (const table of tables) {
    if (!tableByLogicalName(table)?.columns.some((c) => c.logicalName === 'lex_sourcesnapshot')) continue;
    const rows = await data.list(table, { select: ['lex_sourcesnapshot'], filter: 'lex_sourcesnapshot ne null', top: 3 });
    for (const row of rows) {
      const snapshot = parseSnapshot(row['lex_sourcesnapshot'] as string | undefined);
      for (const [field, value] of Object.entries(snapshot ?? {})) {
        if (value === null || typeof value === 'object' || value === '') continue;
        const key = `${table}:${field.toLowerCase()}`;
        const list = samples.get(key) ?? [];
        if (list.length < 3 && !list.includes(String(value))) list.push(String(value));
        samples.set(key, list);
      }
    }
  }
  return samples;
}

const firstField = (from: string) => (from.split(/[ +|.]|->/)[0] ?? '').toLowerCase();

export function MappingReview({ recordId, profileJson, data, user, label, now = () => new Date(), onConfirmed }: MappingReviewProps) {
  const styles = useStyles();
  const parsed = React.useMemo((): { profile?: Profile; error?: string } => {
    try {
      return profileJson ? { profile: parseProfile(JSON.parse(profileJson), 'lex_mappingprofile.lex_profilejson') } : { error: label('NoProfileJson') };
    } catch (error) {
      return { error: errorText(error) };
    }
  }, [profileJson, label]);
  const profile = parsed.profile;
  const [decisions, setDecisions] = React.useState<Map<string, ProposalDecision>>(new Map());
  // Source paths a person rewrote, by field-map row; `editing` is the row whose input is open.
  const [sources, setSources] = React.useState<Map<string, string>>(new Map());
  const [editing, setEditing] = React.useState<string>();
  const [samples, setSamples] = React.useState<Map<string, string[]>>(new Map());
  const [notice, setNotice] = React.useState<Notice>(parsed.error ? { intent: 'error', title: label('InvalidProfile'), text: parsed.error } : undefined);
  const [busy, setBusy] = React.useState(false);
  const [confirmed, setConfirmed] = React.useState(false);

  const rows = React.useMemo(() => (profile ? mapRows(profile) : []), [profile]);
  React.useEffect(() => {
    let live = true;
    const tables = [...new Set(rows.map((r) => r.table))];
    loadSamples(data, tables)
      .then((s) => live && setSamples(s))
      .catch(() => undefined); // Samples are a help, not a requirement.
    return () => {
      live = false;
    };
  }, [data, rows]);

  if (!profile) return <div className={styles.root}><NoticeBar notice={notice} /></div>;

  const decide = (key: string, decision: ProposalDecision) => setDecisions((d) => new Map(d).set(key, decision));
  const isConfirmed = profile.status === 'confirmed' || confirmed;

  async function confirm() {
    if (!profile) return;
    setBusy(true);
    try {
      const result = confirmedVersion(profile, { decisions, sources }, await userEmail(data, user), now());
      if (!result.profile) {
        setNotice({ intent: 'warning', text: label('PendingProposals', result.pending) });
        return;
      }
      const p = result.profile;
      const newId = await data.create('lex_mappingprofile', {
        lex_name: `${p.name} v${p.version}`,
        lex_version: p.version,
        lex_profilestatus: Choices.lex_profilestatus.Confirmed,
        lex_profilejson: JSON.stringify(p, null, 2),
        lex_profilehash: p.hash,
        lex_confirmedby: p.confirmedBy,
        lex_confirmedon: p.confirmedAt,
      });
      await data.update('lex_mappingprofile', recordId, { lex_profilestatus: Choices.lex_profilestatus.Superseded });
      setConfirmed(true);
      setNotice({ intent: 'success', title: label('Confirmed'), text: label('ConfirmedText', p.version, p.confirmedBy ?? '', (p.hash ?? '').slice(0, 19)) });
      onConfirmed?.(newId);
    } catch (error) {
      setNotice({ intent: 'error', title: label('ConfirmFailed'), text: errorText(error) });
    } finally {
      setBusy(false);
    }
  }

  const sampleText = (table: string, from: string) => (samples.get(`${table}:${firstField(from)}`) ?? []).join(' · ');
  const unmapped = unmappedEntities(profile);
  return (
    <section className={styles.root} aria-label={label('Title')}>
      <div className={styles.header}>
        <Title3 as="h2">{label('Title')}</Title3>
        <Badge appearance="filled" color={isConfirmed ? 'success' : 'warning'}>{isConfirmed ? label('Status_Confirmed') : label('Status_Draft')}</Badge>
        <Text>{label('Version', profile.version)}</Text>
      </div>

      <Subtitle2 as="h3">{label('Proposals')}</Subtitle2>
      {profile.proposals.length === 0 ? (
        <Text>{label('NoProposals')}</Text>
      ) : (
        <Table aria-label={label('Proposals')} size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>{label('Column_SourceField')}</TableHeaderCell>
              <TableHeaderCell>{label('Column_Target')}</TableHeaderCell>
              <TableHeaderCell>{label('Column_Score')}</TableHeaderCell>
              <TableHeaderCell>{label('Column_Reason')}</TableHeaderCell>
              <TableHeaderCell>{label('Column_Decision')}</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {profile.proposals.map((p) => {
              const key = proposalKey(p);
              const decision = decisions.get(key) ?? { kind: 'pending' };
              const column = decision.kind === 'accepted' ? decision.column : p.column;
              const choices = [p.column, ...p.alternatives.filter((a) => a.table === p.table).map((a) => a.column)];
              return (
                <TableRow key={key} data-proposal={key}>
                  <TableCell>{`${p.entity}.${p.field}`}</TableCell>
                  <TableCell>
                    <Dropdown
                      className={styles.dropdown}
                      aria-label={label('TargetFor', key)}
                      value={`${p.table}.${column}`}
                      selectedOptions={[column]}
                      disabled={isConfirmed}
                      onOptionSelect={(_, d) => d.optionValue && decide(key, { kind: 'accepted', column: d.optionValue })}
                    >
                      {[...new Set(choices)].map((c) => (
                        <Option key={c} value={c} text={`${p.table}.${c}`}>{`${p.table}.${c}`}</Option>
                      ))}
                    </Dropdown>
                  </TableCell>
                  <TableCell>{`${Math.round(p.score * 100)}%`}</TableCell>
                  <TableCell>{p.reason}</TableCell>
                  <TableCell>
                    <div className={styles.actions}>
                      <Button size="small" appearance={decision.kind === 'accepted' ? 'primary' : 'secondary'} aria-pressed={decision.kind === 'accepted'} disabled={isConfirmed} onClick={() => decide(key, { kind: 'accepted', column })}>
                        {label('Accept')}
                      </Button>
                      <Button size="small" appearance={decision.kind === 'rejected' ? 'primary' : 'secondary'} aria-pressed={decision.kind === 'rejected'} disabled={isConfirmed} onClick={() => decide(key, { kind: 'rejected' })}>
                        {label('Reject')}
                      </Button>
                    </div>
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}

      <Subtitle2 as="h3">{label('FieldMap')}</Subtitle2>
      <Table aria-label={label('FieldMap')} size="small">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>{label('Column_SourceField')}</TableHeaderCell>
            <TableHeaderCell>{label('Column_Target')}</TableHeaderCell>
            <TableHeaderCell>{label('Column_Transform')}</TableHeaderCell>
            <TableHeaderCell>{label('Column_Samples')}</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {rows.map((r) => {
            const from = sources.get(r.key) ?? r.from;
            const target = `${r.table}.${r.column}`;
            return (
              <TableRow key={r.key} data-map={r.key}>
                <TableCell>
                  {editing === r.key ? (
                    <Input
                      aria-label={label('SourceFor', target)}
                      defaultValue={from}
                      autoFocus
                      onBlur={(e) => {
                        const value = e.currentTarget.value.trim();
                        if (value && value !== r.from) setSources((m) => new Map(m).set(r.key, value));
                        setEditing(undefined);
                      }}
                      onKeyDown={(e) => {
                        if (e.key === 'Enter') e.currentTarget.blur();
                        if (e.key === 'Escape') setEditing(undefined);
                      }}
                    />
                  ) : (
                    <span className={styles.source}>
                      {from ? `${r.entity}.${from}` : label('NoSourceField')}
                      {sources.has(r.key) && <Badge appearance="tint" color="warning">{label('Edited')}</Badge>}
                      {r.from && !isConfirmed && (
                        <Button size="small" appearance="subtle" aria-label={label('EditSourceOf', target)} onClick={() => setEditing(r.key)}>
                          {label('Edit')}
                        </Button>
                      )}
                    </span>
                  )}
                </TableCell>
                <TableCell>{target}</TableCell>
                <TableCell>{r.transform}</TableCell>
                <TableCell className={styles.samples}>{sampleText(r.table, from)}</TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>

      <Subtitle2 as="h3">{label('Unmapped')}</Subtitle2>
      <ul aria-label={label('Unmapped')}>
        {unmapped.map((u) => (
          <li key={u.entity}>
            <Text weight="semibold">{u.entity}</Text>: <Text>{u.reason}</Text>
          </li>
        ))}
        <li>
          <Text>{label('UnlistedCustomFields')}</Text>
        </li>
      </ul>

      <div className={styles.actions}>
        <Button appearance="primary" disabled={busy || isConfirmed} onClick={() => void confirm()}>
          {label('Confirm')}
        </Button>
      </div>
      <NoticeBar notice={notice} />
    </section>
  );
}
