/// <reference types="xrm" />
import { onLoad, NOTIFICATION_ID } from '../../plugins-ts/src/matter-form';
import { provenanceMessage } from '../../plugins-ts/src/provenance';
import { confirmedClioProfile, MATTER_ID, matterRow, profileRow } from '../pcf/support/matter';
import { fakeForm, fakeXrm } from './support/fake-xrm';

const RUN_ID = 'cccccccc-0000-5000-8000-000000000001';
const run = { lex_migrationrunid: RUN_ID, lex_runkey: 'full-20261120-2', lex_startedon: '2026-11-20T08:15:00Z' };
const user = { id: 'u1', roles: [] };

function load(row = matterRow({ _lex_migrationrunid_value: RUN_ID }), lock: string[] = []) {
  const xrm = fakeXrm({ lex_matter: [row], lex_mappingprofile: [profileRow(confirmedClioProfile(lock))], lex_migrationrun: [run] }, user);
  const form = fakeForm('lex_matter', MATTER_ID, row);
  return { xrm, form, done: onLoad(form.context, xrm) };
}

describe('matter form OnLoad', () => {
  it('says where a migrated matter came from, in which run, and how many fields differ', async () => {
    const { form, done } = load();
    await done;
    expect(form.notifications).toEqual([{ message: 'Migrated from Clio matter 00123 on 20 Nov 2026, run full-20261120-2, 2 fields differ', level: 'WARNING', id: NOTIFICATION_ID }]);
  });

  it('is informational when everything matches', async () => {
    const { form, done } = load(matterRow({ _lex_migrationrunid_value: RUN_ID, lex_description: 'Smith v Jones <img src=x onerror="alert(1)">', lex_billingmethod: 582100001 }));
    await done;
    expect(form.notifications[0]).toMatchObject({ level: 'INFO', message: expect.stringContaining('all fields match the source') });
  });

  it('locks the columns the profile marks lock, and only those', async () => {
    const { form, done } = load(undefined, ['lex_matternumber', 'lex_opendate']);
    await done;
    expect([...form.disabled].sort()).toEqual(['lex_matternumber', 'lex_opendate']);
  });

  it('does nothing on a row that was not migrated', async () => {
    const { form, done } = load(matterRow({ lex_sourcekey: null }));
    await done;
    expect(form.notifications).toEqual([]);
  });

  it('shows a read failure on the form instead of failing silently', async () => {
    const { xrm, form } = load();
    xrm.WebApi.retrieveRecord = async () => {
      throw { errorCode: -2147220969, message: 'lex_matter With Id = … Does Not Exist' };
    };
    await onLoad(form.context, xrm);
    expect(form.notifications.at(-1)).toMatchObject({ level: 'ERROR', message: expect.stringContaining('Does Not Exist') });
  });
});

describe('provenance message', () => {
  it('reads naturally for one difference and without a run', () => {
    expect(provenanceMessage({ system: 'Actionstep', entity: 'matter', number: '4411', differing: 1 })).toBe('Migrated from Actionstep matter 4411, 1 field differs');
    expect(provenanceMessage({ system: 'Clio', entity: 'matter', number: '7' })).toBe('Migrated from Clio matter 7');
  });
});
