/**
 * Command-bar actions on a migration run (`Lexbridge.RunCommands.*`, pass PrimaryControl):
 * approve a sample and request a rollback, each behind a confirmation dialog. Enable rules
 * (`canApprove`, `canRequestRollback`) show the buttons to Migration Admins only; the actions
 * check the role again, because a command can be invoked without its button.
 */
import { Choices } from '../../solution/generated/names';
import { dataFromWebApi } from '../../pcf-controls/shared/data';
import { isMigrationAdmin } from '../../pcf-controls/shared/roles';
import { bareId, pageXrm, type XrmLike } from './xrm-like';

type RunForm = Pick<Xrm.FormContext, 'data' | 'getAttribute'>;

const status = (form: RunForm) => form.getAttribute('lex_runstatus')?.getValue() as number | null | undefined;
const mode = (form: RunForm) => form.getAttribute('lex_mode')?.getValue() as number | null | undefined;
const S = Choices.lex_runstatus;

export function userIsMigrationAdmin(xrm: XrmLike = pageXrm()): boolean {
  return isMigrationAdmin(xrm.Utility.getGlobalContext().userSettings.roles.get());
}

export function canApprove(form: RunForm, xrm: XrmLike = pageXrm()): boolean {
  const s = status(form);
  return userIsMigrationAdmin(xrm) && mode(form) === Choices.lex_runmode.Sample && (s === S.Completed || s === S.CompletedWithErrors);
}

export function canRequestRollback(form: RunForm, xrm: XrmLike = pageXrm()): boolean {
  const s = status(form);
  return userIsMigrationAdmin(xrm) && mode(form) !== Choices.lex_runmode.Rollback && s != null && ([S.Completed, S.CompletedWithErrors, S.Failed, S.Approved] as number[]).includes(s);
}

async function userEmail(xrm: XrmLike): Promise<string> {
  const id = bareId(xrm.Utility.getGlobalContext().userSettings.userId);
  const user = await dataFromWebApi(xrm.WebApi).retrieve('systemuser', id, ['internalemailaddress']);
  return String(user['internalemailaddress'] ?? id);
}

type Outcome = 'done' | 'cancelled' | 'forbidden';

async function confirmAndWrite(form: RunForm, xrm: XrmLike, dialog: { title: string; text: string }, values: (email: string, at: string) => Record<string, unknown>): Promise<Outcome> {
  if (!userIsMigrationAdmin(xrm)) {
    await xrm.Navigation.openAlertDialog({ title: 'Not allowed', text: 'Only a Lexbridge Migration Admin can do this.' });
    return 'forbidden';
  }
  const answer = await xrm.Navigation.openConfirmDialog(dialog);
  if (!answer.confirmed) return 'cancelled';
  const email = await userEmail(xrm);
  await dataFromWebApi(xrm.WebApi).update('lex_migrationrun', bareId(form.data.entity.getId()), values(email, new Date().toISOString()));
  await form.data.refresh(false);
  return 'done';
}

export function approveSample(form: RunForm, xrm: XrmLike = pageXrm()): Promise<Outcome> {
  return confirmAndWrite(
    form,
    xrm,
    { title: 'Approve this sample?', text: 'Approving lets the full migration run with this mapping version, and records you as the approver.' },
    (email, at) => ({ lex_runstatus: S.Approved, lex_approvedby: email, lex_approvedon: at }),
  );
}

export function requestRollback(form: RunForm, xrm: XrmLike = pageXrm()): Promise<Outcome> {
  return confirmAndWrite(
    form,
    xrm,
    { title: 'Request a rollback of this run?', text: 'Rows this run created are deleted and rows it updated are restored. `lexbridge rollback` carries it out from the run journal.' },
    (email, at) => ({ lex_runstatus: S.RollbackRequested, lex_rollbackrequestedby: email, lex_rollbackrequestedon: at }),
  );
}
