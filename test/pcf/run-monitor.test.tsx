/**
 * @jest-environment jsdom
 */
import './support/jsdom';
import * as React from 'react';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { RunMonitor } from '../../pcf-controls/RunMonitor/RunMonitor';
import { Choices } from '../../solution/generated/names';
import { controlLabels, fakeData } from './support/fake-data';

const label = controlLabels('RunMonitor');
const RUN_ID = 'bbbbbbbb-0000-5000-8000-000000000001';
const admin = { id: 'a1', name: 'Alex Admin', email: 'alex@firm.example', roles: [], isMigrationAdmin: true };
const reviewer = { id: 'r1', name: 'Pat Reviewer', email: 'pat@firm.example', roles: [], isMigrationAdmin: false };

const sampleRun = (status: number = Choices.lex_runstatus.Completed) => ({
  lex_migrationrunid: RUN_ID,
  lex_runkey: 'sample-20261123-1',
  lex_mode: Choices.lex_runmode.Sample,
  lex_runstatus: status,
  // As the engine writes it: the run report's accounting (scripts/src/pipeline/run.ts recordRunRow).
  lex_counts: JSON.stringify([
    { entity: 'contact', extracted: 5, loaded: 5, skipped: 0, failed: 0, holds: true },
    { entity: 'matter', extracted: 10, loaded: 8, skipped: 1, failed: 1, holds: true },
  ]),
  lex_summary: JSON.stringify({ operations: { failed: 1 }, diff: { records: 13, matching: 11, differing: 2, missing: 0, worstFields: [] }, errors: [{ code: 'LEX_MAP_REQUIRED', count: 1 }] }),
});

function setup(user: typeof admin, row = sampleRun()) {
  const data = fakeData({ lex_migrationrun: [row] });
  render(<RunMonitor recordId={RUN_ID} data={data} user={user} label={label} now={() => new Date('2026-11-23T12:00:00Z')} />);
  return data;
}

describe('RunMonitor', () => {
  it('shows progress and record accounting per entity, errors by rule and the diff summary', async () => {
    setup(reviewer);
    const progress = await screen.findByRole('table', { name: 'Progress by entity' });
    const matter = within(progress).getByText('matter').closest('tr')!;
    expect(within(matter).getByText('Balanced')).toBeTruthy();
    expect(within(matter).getByRole('progressbar', { name: '10 of 10 handled' })).toBeTruthy();
    expect(within(screen.getByRole('table', { name: 'Errors by rule' })).getByText('LEX_MAP_REQUIRED')).toBeTruthy();
    expect(screen.getByText('13 records compared: 11 match, 2 differ, 0 missing.')).toBeTruthy();
  });

  it('flags counts that do not add up', async () => {
    setup(reviewer, { ...sampleRun(), lex_counts: JSON.stringify([{ entity: 'matter', extracted: 10, loaded: 8, skipped: 0, failed: 0, holds: false }]) });
    expect(await screen.findByText('Does not add up')).toBeTruthy();
  });

  it('a reviewer without the Migration Admin role sees neither approve nor rollback', async () => {
    setup(reviewer);
    await screen.findByRole('table', { name: 'Progress by entity' });
    expect(screen.queryByRole('button', { name: 'Approve sample' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Request rollback' })).toBeNull();
  });

  it('an admin approves a sample after confirming', async () => {
    const data = setup(admin);
    fireEvent.click(await screen.findByRole('button', { name: 'Approve sample' }));
    const dialog = await screen.findByRole('alertdialog');
    expect(within(dialog).getByText('Approve this sample?')).toBeTruthy();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Approve sample' }));
    await screen.findByText('Approved by alex@firm.example.');
    expect(data.writes).toEqual([
      { kind: 'update', table: 'lex_migrationrun', id: RUN_ID, values: { lex_runstatus: Choices.lex_runstatus.Approved, lex_approvedby: 'alex@firm.example', lex_approvedon: '2026-11-23T12:00:00.000Z' } },
    ]);
  });

  it('cancelling the dialog writes nothing', async () => {
    const data = setup(admin);
    fireEvent.click(await screen.findByRole('button', { name: 'Request rollback' }));
    fireEvent.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Cancel' }));
    expect(data.writes).toHaveLength(0);
  });

  it('an admin requests a rollback for the CLI to carry out', async () => {
    const data = setup(admin);
    fireEvent.click(await screen.findByRole('button', { name: 'Request rollback' }));
    fireEvent.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Request rollback' }));
    expect(await screen.findByText(/lexbridge rollback sample-20261123-1/)).toBeTruthy();
    expect(data.writes[0]!.values).toMatchObject({ lex_runstatus: Choices.lex_runstatus.RollbackRequested, lex_rollbackrequestedby: 'alex@firm.example' });
  });

  it('offers no approve on a run that is not a completed sample', async () => {
    setup(admin, { ...sampleRun(Choices.lex_runstatus.Running) });
    await screen.findByRole('table', { name: 'Progress by entity' });
    expect(screen.queryByRole('button', { name: 'Approve sample' })).toBeNull();
  });
});
