/// <reference types="xrm" />
import { approveSample, canApprove, canRequestRollback, requestRollback } from '../../plugins-ts/src/run-commands';
import { MIGRATION_ADMIN_ROLE } from '../../pcf-controls/shared/roles';
import { Choices } from '../../solution/generated/names';
import { fakeForm, fakeXrm } from './support/fake-xrm';

const RUN_ID = 'dddddddd-0000-5000-8000-000000000001';
const ADMIN_ID = 'eeeeeeee-0000-5000-8000-000000000001';
const sample = { lex_migrationrunid: RUN_ID, lex_mode: Choices.lex_runmode.Sample, lex_runstatus: Choices.lex_runstatus.Completed };
const admin = { id: ADMIN_ID, roles: [{ id: `{${MIGRATION_ADMIN_ROLE.id.toUpperCase()}}`, name: 'Lexbridge Migration Admin' }] };
const reviewer = { id: ADMIN_ID, roles: [{ id: 'ffffffff-0000-5000-8000-000000000001', name: 'Lexbridge Matter Reviewer' }] };

function setup(user: typeof admin, confirm = true, row: Record<string, unknown> = sample) {
  const xrm = fakeXrm({ lex_migrationrun: [{ ...row }], systemuser: [{ systemuserid: ADMIN_ID, internalemailaddress: 'alex@firm.example' }] }, user, confirm);
  return { xrm, form: fakeForm('lex_migrationrun', RUN_ID, row) };
}

describe('run command bar', () => {
  it('enable rules show approve and rollback to Migration Admins only (role matched by id)', () => {
    const a = setup(admin);
    expect(canApprove(a.form.form, a.xrm)).toBe(true);
    expect(canRequestRollback(a.form.form, a.xrm)).toBe(true);
    const r = setup(reviewer);
    expect(canApprove(r.form.form, r.xrm)).toBe(false);
    expect(canRequestRollback(r.form.form, r.xrm)).toBe(false);
  });

  it('approve needs a completed sample', () => {
    const full = setup(admin, true, { ...sample, lex_mode: Choices.lex_runmode.Full });
    expect(canApprove(full.form.form, full.xrm)).toBe(false);
    const running = setup(admin, true, { ...sample, lex_runstatus: Choices.lex_runstatus.Running });
    expect(canRequestRollback(running.form.form, running.xrm)).toBe(false);
  });

  it('approves after the confirmation dialog, recording who and when, then refreshes the form', async () => {
    const { xrm, form } = setup(admin);
    expect(await approveSample(form.form, xrm)).toBe('done');
    expect(xrm.dialogs).toEqual([expect.objectContaining({ kind: 'confirm', title: 'Approve this sample?' })]);
    expect(xrm.data.writes[0]).toMatchObject({ table: 'lex_migrationrun', id: RUN_ID, values: { lex_runstatus: Choices.lex_runstatus.Approved, lex_approvedby: 'alex@firm.example' } });
    expect(form.refreshed).toBe(1);
  });

  it('writes nothing when the dialog is cancelled', async () => {
    const { xrm, form } = setup(admin, false);
    expect(await requestRollback(form.form, xrm)).toBe('cancelled');
    expect(xrm.data.writes).toEqual([]);
  });

  it('requests a rollback for the CLI to carry out', async () => {
    const { xrm, form } = setup(admin);
    expect(await requestRollback(form.form, xrm)).toBe('done');
    expect(xrm.data.writes[0]!.values).toMatchObject({ lex_runstatus: Choices.lex_runstatus.RollbackRequested, lex_rollbackrequestedby: 'alex@firm.example' });
  });

  it('refuses a reviewer even when the command is invoked without its button', async () => {
    const { xrm, form } = setup(reviewer);
    expect(await approveSample(form.form, xrm)).toBe('forbidden');
    expect(xrm.dialogs).toEqual([expect.objectContaining({ kind: 'alert' })]);
    expect(xrm.data.writes).toEqual([]);
  });
});
