/**
 * @jest-environment jsdom
 */
/// <reference types="powerapps-component-framework" />
import './support/jsdom';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { render, screen } from '@testing-library/react';
import { RecordDiff } from '../../pcf-controls/RecordDiff';
import { RunMonitor } from '../../pcf-controls/RunMonitor';
import { parseResx } from '../../pcf-controls/shared/labels';
import { MIGRATION_ADMIN_ROLE } from '../../pcf-controls/shared/roles';
import { Choices } from '../../solution/generated/names';
import { fakeXrm } from '../webresources/support/fake-xrm';
import { confirmedClioProfile, MATTER_ID, matterRow, profileRow } from './support/matter';

/** A PCF context as the platform passes it to a virtual control on a form. */
function pcfContext(control: string, table: string, id: string, parameters: Record<string, { raw: string | null }>, roles: string[], xrm = fakeXrm({}, { id: 'u', roles: [] })) {
  const strings = parseResx(readFileSync(path.resolve(__dirname, `../../pcf-controls/${control}/strings/${control}.1033.resx`), 'utf8'));
  const context = {
    mode: { contextInfo: { entityTypeName: table, entityId: id } },
    userSettings: { userId: '{AAAAAAAA-0000-5000-8000-000000000007}', userName: 'Sam Associate', securityRoles: roles },
    webAPI: xrm.WebApi,
    resources: { getString: (key: string) => strings[key] ?? '' },
    parameters,
  };
  return context as unknown as ComponentFramework.Context<never>;
}

describe('index.ts: PCF context → props', () => {
  it('RecordDiff reads the form row, the bound snapshot, the web API and the resx labels; re-rendering does not reload', async () => {
    const row = matterRow();
    const xrm = fakeXrm({ lex_matter: [row], lex_mappingprofile: [profileRow(confirmedClioProfile())] }, { id: 'u', roles: [] });
    let reads = 0;
    const retrieve = xrm.WebApi.retrieveRecord;
    xrm.WebApi.retrieveRecord = (...args) => {
      reads++;
      return retrieve(...args);
    };
    const context = pcfContext('RecordDiff', 'lex_matter', MATTER_ID, { snapshot: { raw: String(row['lex_sourcesnapshot']) } }, [], xrm);
    const control = new RecordDiff();
    control.init(context as never);
    const view = render(control.updateView(context as never));
    await screen.findByText('2 field(s) differ');
    view.rerender(control.updateView(context as never));
    await screen.findByText('2 field(s) differ');
    expect(reads).toBe(1);
  });

  it('RunMonitor shows approve to a holder of the Migration Admin role id, and not to anyone else', async () => {
    const run = { lex_migrationrunid: 'r1', lex_runkey: 'sample-1', lex_mode: Choices.lex_runmode.Sample, lex_runstatus: Choices.lex_runstatus.Completed, lex_counts: '[]', lex_summary: '{}' };
    for (const [roles, visible] of [[[`{${MIGRATION_ADMIN_ROLE.id.toUpperCase()}}`], 1], [['00000000-0000-0000-0000-000000000001'], 0]] as const) {
      const xrm = fakeXrm({ lex_migrationrun: [run] }, { id: 'u', roles: [] });
      const context = pcfContext('RunMonitor', 'lex_migrationrun', 'r1', { summary: { raw: '{}' } }, [...roles], xrm);
      const control = new RunMonitor();
      control.init(context as never);
      const view = render(control.updateView(context as never));
      await screen.findByText('The run has not counted any records yet.');
      expect(screen.queryAllByRole('button', { name: 'Approve sample' })).toHaveLength(visible);
      view.unmount();
    }
  });
});
