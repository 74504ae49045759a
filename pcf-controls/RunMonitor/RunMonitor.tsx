/**
 * RunMonitor: one migration run as the engine recorded it on `lex_migrationrun`: per-entity
 * progress and record accounting, errors by rule, the diff summary. Approve and Request rollback
 * are rendered for Migration Admins only (the server's role privileges still decide the write).
 * A rollback is requested here and carried out by the CLI from the run journal
 * (docs/decisions/005-rollback-requested-from-dynamics.md).
 */
import * as React from 'react';
import {
  Badge, Button, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, DialogTrigger, ProgressBar,
  Subtitle2, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text, Title3, makeStyles, tokens,
} from '@fluentui/react-components';
import { Choices } from '../../solution/generated/names';
import { formatted, userEmail, type CurrentUser, type LexData, type Row } from '../shared/data';
import type { Label } from '../shared/labels';
import { canApprove, canRequestRollback, choiceLabel, readRunSummary } from '../shared/run-summary';
import { errorText, Loading, NoticeBar, type Notice } from '../shared/ui';

export interface RunMonitorProps {
  recordId: string;
  data: LexData;
  user: CurrentUser & { isMigrationAdmin: boolean };
  label: Label;
  now?: () => Date;
}

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM, paddingBlock: tokens.spacingVerticalS },
  header: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  actions: { display: 'flex', columnGap: tokens.spacingHorizontalS },
  progress: { minWidth: '160px' },
});

type Action = 'Approve' | 'RollBack';

function ConfirmButton({ action, label, disabled, onConfirm }: { action: Action; label: Label; disabled: boolean; onConfirm: () => void }) {
  return (
    <Dialog modalType="alert">
      <DialogTrigger disableButtonEnhancement>
        <Button appearance={action === 'Approve' ? 'primary' : 'secondary'} disabled={disabled}>{label(action)}</Button>
      </DialogTrigger>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>{label(`ConfirmTitle_${action}`)}</DialogTitle>
          <DialogContent>{label(`ConfirmText_${action}`)}</DialogContent>
          <DialogActions>
            <DialogTrigger disableButtonEnhancement>
              <Button appearance="secondary">{label('Cancel')}</Button>
            </DialogTrigger>
            <DialogTrigger disableButtonEnhancement>
              <Button appearance="primary" onClick={onConfirm}>{label(action)}</Button>
            </DialogTrigger>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

export function RunMonitor({ recordId, data, user, label, now = () => new Date() }: RunMonitorProps) {
  const styles = useStyles();
  const [row, setRow] = React.useState<Row>();
  const [notice, setNotice] = React.useState<Notice>();
  const [busy, setBusy] = React.useState(false);

  React.useEffect(() => {
    let live = true;
    data
      .retrieve('lex_migrationrun', recordId)
      .then((r) => live && setRow(r))
      .catch((error: unknown) => live && setNotice({ intent: 'error', title: label('LoadFailed'), text: errorText(error) }));
    return () => {
      live = false;
    };
  }, [data, recordId, label]);

  const summary = React.useMemo(() => (row ? readRunSummary(row) : undefined), [row]);
  if (!row || !summary) return <div className={styles.root}><Loading label={label('Loading')} /><NoticeBar notice={notice} /></div>;

  async function act(action: Action) {
    setBusy(true);
    try {
      const at = now().toISOString();
      const email = await userEmail(data, user);
      const values: Row =
        action === 'Approve'
          ? { lex_runstatus: Choices.lex_runstatus.Approved, lex_approvedby: email, lex_approvedon: at }
          : { lex_runstatus: Choices.lex_runstatus.RollbackRequested, lex_rollbackrequestedby: email, lex_rollbackrequestedon: at };
      await data.update('lex_migrationrun', recordId, values);
      setRow((r) => ({ ...r, ...values, 'lex_runstatus@OData.Community.Display.V1.FormattedValue': undefined }));
      setNotice({ intent: 'success', text: action === 'Approve' ? label('Approved', email) : label('RollbackRequested', email, String(row?.['lex_runkey'] ?? '')) });
    } catch (error) {
      setNotice({ intent: 'error', title: label('SaveFailed'), text: errorText(error) });
    } finally {
      setBusy(false);
    }
  }

  const statusText = formatted(row, 'lex_runstatus') ?? choiceLabel('lex_runstatus', summary.status);
  const modeText = formatted(row, 'lex_mode') ?? choiceLabel('lex_runmode', summary.mode);
  const showApprove = user.isMigrationAdmin && canApprove(summary);
  const showRollback = user.isMigrationAdmin && canRequestRollback(summary);
  return (
    <section className={styles.root} aria-label={label('Title')}>
      <div className={styles.header}>
        <Title3 as="h2">{`${label('Title')} ${String(row['lex_runkey'] ?? '')}`}</Title3>
        <Badge appearance="outline" color="informative">{modeText}</Badge>
        <Badge appearance="filled" color={summary.status === Choices.lex_runstatus.Failed ? 'danger' : 'brand'}>{statusText}</Badge>
      </div>

      <Subtitle2 as="h3">{label('Progress')}</Subtitle2>
      {summary.entities.length === 0 ? (
        <Text>{label('NoCounts')}</Text>
      ) : (
        <Table aria-label={label('Progress')} size="small">
          <TableHeader>
            <TableRow>
              {['Entity', 'Progress', 'Extracted', 'Loaded', 'Skipped', 'Failed', 'Accounting'].map((c) => (
                <TableHeaderCell key={c}>{label(`Column_${c}`)}</TableHeaderCell>
              ))}
            </TableRow>
          </TableHeader>
          <TableBody>
            {summary.entities.map((e) => {
              const handled = e.loaded + e.skipped + e.failed;
              return (
                <TableRow key={e.entity}>
                  <TableCell>{e.entity}</TableCell>
                  <TableCell className={styles.progress}>
                    <ProgressBar value={e.extracted ? handled / e.extracted : 1} max={1} color={e.failed ? 'error' : 'brand'} aria-label={label('ProgressOf', handled, e.extracted)} />
                  </TableCell>
                  <TableCell>{e.extracted}</TableCell>
                  <TableCell>{e.loaded}</TableCell>
                  <TableCell>{e.skipped}</TableCell>
                  <TableCell>{e.failed}</TableCell>
                  <TableCell>
                    <Badge appearance="tint" color={e.balanced ? 'success' : 'danger'}>{e.balanced ? label('Balanced') : label('Unbalanced')}</Badge>
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}

      <Subtitle2 as="h3">{label('Errors')}</Subtitle2>
      {summary.errors.length === 0 ? (
        <Text>{label('NoErrors')}</Text>
      ) : (
        <Table aria-label={label('Errors')} size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>{label('Column_Rule')}</TableHeaderCell>
              <TableHeaderCell>{label('Column_Count')}</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {summary.errors.map((e) => (
              <TableRow key={e.code}>
                <TableCell>{e.code}</TableCell>
                <TableCell>{e.count}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}

      <Subtitle2 as="h3">{label('Diff')}</Subtitle2>
      <Text>{summary.diff ? label('DiffText', summary.diff.records, summary.diff.matching, summary.diff.differing, summary.diff.missing) : label('NoDiff')}</Text>

      {(showApprove || showRollback) && (
        <div className={styles.actions}>
          {showApprove && <ConfirmButton action="Approve" label={label} disabled={busy} onConfirm={() => void act('Approve')} />}
          {showRollback && <ConfirmButton action="RollBack" label={label} disabled={busy} onConfirm={() => void act('RollBack')} />}
        </div>
      )}
      <NoticeBar notice={notice} />
    </section>
  );
}
