/**
 * RecordDiff: the migrated row next to its source record, field by field. Plain props only (no
 * ComponentFramework), so tests and the local review page render it as Dynamics does.
 */
import * as React from 'react';
import {
  Badge, Button, Switch, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text, Textarea, Field, Title3, makeStyles, tokens,
} from '@fluentui/react-components';
import { Choices } from '../../solution/generated/names';
import type { Profile } from '../../scripts/src/mapping/profile';
import { userEmail, type CurrentUser, type LexData, type Row } from '../shared/data';
import type { Label } from '../shared/labels';
import { loadConfirmedProfile } from '../shared/profiles';
import type { ReferencedRows } from '../shared/lookup-diff';
import { buildRecordDiff, lookupReads, type DiffRowStatus } from '../shared/record-diff';
import { readReferencedRows } from '../shared/referenced-rows';
import { errorText, Loading, NoticeBar, type Notice } from '../shared/ui';

export interface RecordDiffProps {
  table: string;
  recordId: string;
  /** The bound `lex_sourcesnapshot` value. */
  snapshot: string | null;
  data: LexData;
  user: CurrentUser;
  label: Label;
  /** Told after the review status changed, so the form can refresh. */
  onReviewed?: (status: number) => void;
}

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM, paddingBlock: tokens.spacingVerticalS },
  header: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  differs: { backgroundColor: tokens.colorPaletteRedBackground1 },
  value: { whiteSpace: 'pre-wrap', wordBreak: 'break-word' },
  actions: { display: 'flex', columnGap: tokens.spacingHorizontalS, alignItems: 'flex-end', flexWrap: 'wrap' },
  note: { minWidth: '280px', flexGrow: 1 },
});

const REVIEW = Choices.lex_reviewstatus;
const STATUS_APPEARANCE: Record<DiffRowStatus, { color: 'success' | 'danger' | 'informative' | 'subtle'; key: string }> = {
  match: { color: 'success', key: 'Status_Match' },
  differs: { color: 'danger', key: 'Status_Differs' },
  notInSource: { color: 'informative', key: 'Status_NotInSource' },
  sourceOnly: { color: 'subtle', key: 'Status_SourceOnly' },
  unchecked: { color: 'informative', key: 'Status_Unchecked' },
};

export function RecordDiff({ table, recordId, snapshot, data, user, label, onReviewed }: RecordDiffProps) {
  const styles = useStyles();
  const [row, setRow] = React.useState<Row>();
  const [profile, setProfile] = React.useState<Profile>();
  const [referenced, setReferenced] = React.useState<ReferencedRows>();
  const [onlyDifferences, setOnlyDifferences] = React.useState(false);
  const [note, setNote] = React.useState('');
  const [busy, setBusy] = React.useState(false);
  const [notice, setNotice] = React.useState<Notice>();

  React.useEffect(() => {
    let live = true;
    (async () => {
      const loaded = await data.retrieve(table, recordId);
      const confirmed = await loadConfirmedProfile(data, loaded['lex_sourcesystem']);
      const rows = await readReferencedRows(data, lookupReads(table, snapshot, loaded, confirmed));
      if (!live) return;
      setRow(loaded);
      setProfile(confirmed);
      setReferenced(rows);
      if (!confirmed) setNotice({ intent: 'warning', text: label('NoProfile') });
    })().catch((error: unknown) => live && setNotice({ intent: 'error', title: label('LoadFailed'), text: errorText(error) }));
    return () => {
      live = false;
    };
  }, [data, table, recordId, snapshot, label]);

  const model = React.useMemo(() => (row ? buildRecordDiff(table, snapshot, row, profile, referenced) : undefined), [table, snapshot, row, profile, referenced]);

  async function setReview(status: number) {
    setBusy(true);
    try {
      const email = await userEmail(data, user);
      const values: Row = { lex_reviewstatus: status, lex_reviewedby: email, lex_reviewedon: new Date().toISOString() };
      if (note.trim()) values['lex_reviewnote'] = note.trim();
      await data.update(table, recordId, values);
      setRow((r) => ({ ...r, ...values }));
      setNotice({ intent: 'success', text: label(status === REVIEW.Reviewed ? 'MarkedReviewed' : 'MarkedFlagged', email) });
      onReviewed?.(status);
    } catch (error) {
      setNotice({ intent: 'error', title: label('SaveFailed'), text: errorText(error) });
    } finally {
      setBusy(false);
    }
  }

  if (!row || !model) return <div className={styles.root}><Loading label={label('Loading')} /><NoticeBar notice={notice} /></div>;

  const rows = onlyDifferences ? model.rows.filter((r) => r.status === 'differs') : model.rows;
  const reviewStatus = row['lex_reviewstatus'];
  const reviewText = reviewStatus === REVIEW.Reviewed ? label('Review_Reviewed') : reviewStatus === REVIEW.Flagged ? label('Review_Flagged') : label('Review_NotReviewed');
  return (
    <section className={styles.root} aria-label={label('Title')}>
      <div className={styles.header}>
        <Title3 as="h2">{label('Title')}</Title3>
        <Badge appearance="filled" color={model.differing ? 'danger' : 'success'}>{label('DiffCount', model.differing)}</Badge>
        <Badge appearance="outline" color={reviewStatus === REVIEW.Flagged ? 'warning' : reviewStatus === REVIEW.Reviewed ? 'success' : 'informative'}>{reviewText}</Badge>
      </div>
      {model.snapshotMissing ? (
        <Text>{label('NoSnapshot')}</Text>
      ) : (
        <>
          <Switch label={label('OnlyDifferences')} checked={onlyDifferences} onChange={(_, d) => setOnlyDifferences(d.checked)} />
          <Table aria-label={label('TableLabel')} size="small">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>{label('Column_Field')}</TableHeaderCell>
                <TableHeaderCell>{label('Column_Source')}</TableHeaderCell>
                <TableHeaderCell>{label('Column_Dynamics')}</TableHeaderCell>
                <TableHeaderCell>{label('Column_Status')}</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.map((r) => (
                <TableRow key={r.key} className={r.status === 'differs' ? styles.differs : undefined} data-status={r.status}>
                  <TableCell>
                    <Text weight="semibold">{r.label}</Text>
                    {r.sourcePath !== r.label && (
                      <>
                        <br />
                        <Text size={200}>{r.sourcePath}</Text>
                      </>
                    )}
                  </TableCell>
                  {/* Text nodes only: source data is never interpreted as HTML. */}
                  <TableCell className={styles.value}>{r.source}</TableCell>
                  <TableCell className={styles.value}>{r.target}</TableCell>
                  <TableCell>
                    <Badge appearance="tint" color={STATUS_APPEARANCE[r.status].color}>{label(STATUS_APPEARANCE[r.status].key)}</Badge>
                  </TableCell>
                </TableRow>
              ))}
              {rows.length === 0 && (
                <TableRow>
                  <TableCell colSpan={4}>{label('NoDifferences')}</TableCell>
                </TableRow>
              )}
            </TableBody>
          </Table>
        </>
      )}
      <div className={styles.actions}>
        <Field label={label('ReviewNote')} className={styles.note}>
          <Textarea value={note} onChange={(_, d) => setNote(d.value)} resize="vertical" />
        </Field>
        <Button appearance="primary" disabled={busy} onClick={() => void setReview(REVIEW.Reviewed)}>{label('MarkReviewed')}</Button>
        <Button disabled={busy} onClick={() => void setReview(REVIEW.Flagged)}>{label('Flag')}</Button>
      </div>
      <NoticeBar notice={notice} />
    </section>
  );
}
