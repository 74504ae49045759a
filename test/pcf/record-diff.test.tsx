/**
 * @jest-environment jsdom
 */
import './support/jsdom';
import * as React from 'react';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { RecordDiff } from '../../pcf-controls/RecordDiff/RecordDiff';
import { rowId } from '../../scripts/src/mapping/target-op';
import { Choices } from '../../solution/generated/names';
import { controlLabels, fakeData } from './support/fake-data';
import { confirmedClioProfile, MATTER_ID, matterRow, profileRow, snapshot } from './support/matter';

const label = controlLabels('RecordDiff');
const user = { id: 'u1', name: 'Pat Reviewer', email: 'pat@firm.example', roles: [] };

function setup(row = matterRow()) {
  const data = fakeData({ lex_matter: [row], lex_mappingprofile: [profileRow(confirmedClioProfile())] });
  render(<RecordDiff table="lex_matter" recordId={MATTER_ID} snapshot={String(row['lex_sourcesnapshot'] ?? '') || null} data={data} user={user} label={label} />);
  return data;
}

const table = () => screen.getByRole('table', { name: 'Source and Dynamics values by field' });
const rowOf = (field: string) => within(table()).getByText(field).closest('tr')!;

describe('RecordDiff', () => {
  it('shows source and Dynamics values side by side and highlights the fields that differ', async () => {
    setup();
    await screen.findByText('2 field(s) differ');
    expect(rowOf('Description').getAttribute('data-status')).toBe('differs');
    expect(within(rowOf('Description')).getByText('Smith v Jones (edited in Dynamics)')).toBeTruthy();
    expect(rowOf('Billing Method').getAttribute('data-status')).toBe('differs');
    // The choice shows as its label on the Dynamics side, the raw value on the source side.
    expect(within(rowOf('Billing Method')).getByText('Hourly')).toBeTruthy();
    expect(within(rowOf('Billing Method')).getByText('flat')).toBeTruthy();
    expect(rowOf('Open Date').getAttribute('data-status')).toBe('match');
    expect(rowOf('Estimated Value').getAttribute('data-status')).toBe('match');
    // Source fields the profile does not map are still shown.
    expect(rowOf('originatingOffice').getAttribute('data-status')).toBe('sourceOnly');
  });

  it('filters to the differences', async () => {
    setup();
    await screen.findByText('2 field(s) differ');
    fireEvent.click(screen.getByRole('switch', { name: 'Show only differences' }));
    const statuses = within(table()).getAllByRole('row').slice(1).map((r) => r.getAttribute('data-status'));
    expect(statuses).toEqual(['differs', 'differs']);
  });

  it('renders source values as text, never as HTML', async () => {
    setup();
    await screen.findByText('2 field(s) differ');
    expect(document.querySelector('img')).toBeNull();
    expect(within(rowOf('Description')).getAllByText(snapshot.description)).toHaveLength(1);
  });

  it('marks the matter reviewed, with who and when', async () => {
    const data = setup();
    await screen.findByText('2 field(s) differ');
    fireEvent.change(screen.getByRole('textbox', { name: 'Review note' }), { target: { value: 'Description fixed on purpose' } });
    fireEvent.click(screen.getByRole('button', { name: 'Mark reviewed' }));
    await screen.findByText('Marked reviewed by pat@firm.example.');
    const write = data.writes.find((w) => w.table === 'lex_matter')!;
    expect(write.values).toMatchObject({ lex_reviewstatus: Choices.lex_reviewstatus.Reviewed, lex_reviewedby: 'pat@firm.example', lex_reviewnote: 'Description fixed on purpose' });
    expect(Date.parse(String(write.values['lex_reviewedon']))).not.toBeNaN();
  });

  it('inside Dynamics (no email in the PCF user settings) records the email from the user\'s systemuser row', async () => {
    const row = matterRow();
    const data = fakeData({ lex_matter: [row], lex_mappingprofile: [profileRow(confirmedClioProfile())], systemuser: [{ systemuserid: 'u7', internalemailaddress: 'sam@firm.example' }] });
    render(<RecordDiff table="lex_matter" recordId={MATTER_ID} snapshot={String(row['lex_sourcesnapshot'])} data={data} user={{ id: 'u7', name: 'Sam Associate', email: '', roles: [] }} label={label} />);
    await screen.findByText('2 field(s) differ');
    fireEvent.click(screen.getByRole('button', { name: 'Mark reviewed' }));
    await screen.findByText('Marked reviewed by sam@firm.example.');
    expect(data.writes[0]!.values['lex_reviewedby']).toBe('sam@firm.example');
  });

  it('flags a matter', async () => {
    const data = setup();
    await screen.findByText('2 field(s) differ');
    fireEvent.click(screen.getByRole('button', { name: 'Flag' }));
    await screen.findByText('Flagged by pat@firm.example.');
    expect(data.tables.get('lex_matter')!.get(MATTER_ID)!['lex_reviewstatus']).toBe(Choices.lex_reviewstatus.Flagged);
  });

  it('compares lookups with the row they point at, reading names the response did not annotate', async () => {
    const client = rowId('clio:contact:7');
    const richard = '00000000-0000-4000-8000-000000000001';
    const raw = { id: 123, display_number: '00123', client: { id: 7, name: 'Cole Holdings Ltd' }, responsible_attorney: { id: 3, name: 'Richard Spinka' }, originating_attorney: { id: 4, name: 'Natasha Stracke' } };
    const row = matterRow({
      lex_sourcesnapshot: JSON.stringify(raw),
      _lex_clientid_value: client,
      '_lex_clientid_value@Microsoft.Dynamics.CRM.lookuplogicalname': 'account',
      _lex_responsibleattorneyid_value: richard,
      _lex_originatingattorneyid_value: richard,
    });
    const data = fakeData({
      lex_matter: [row],
      lex_mappingprofile: [profileRow(confirmedClioProfile())],
      account: [{ accountid: client, name: 'Cole Holdings Ltd' }],
      systemuser: [{ systemuserid: richard, fullname: 'Richard Spinka' }],
    });
    render(<RecordDiff table="lex_matter" recordId={MATTER_ID} snapshot={String(row['lex_sourcesnapshot'])} data={data} user={user} label={label} />);
    await screen.findByRole('table', { name: 'Source and Dynamics values by field' });
    expect(rowOf('Client').getAttribute('data-status')).toBe('match');
    expect(within(rowOf('Client')).getAllByText('Cole Holdings Ltd')).toHaveLength(2);
    expect(rowOf('Responsible Attorney').getAttribute('data-status')).toBe('match');
    expect(rowOf('Originating Attorney').getAttribute('data-status')).toBe('differs');
    expect(within(rowOf('Originating Attorney')).getByText('Natasha Stracke')).toBeTruthy();
    expect(within(rowOf('Originating Attorney')).getByText('Richard Spinka')).toBeTruthy();
    // The fields the lookups read are compared, not listed again as "Source only".
    const sourceOnly = Array.from(table().querySelectorAll('tr[data-status="sourceOnly"] td:first-child')).map((cell) => cell.textContent);
    expect(sourceOnly).toEqual(['id']);
  });

  it('says so when the row has no snapshot', async () => {
    setup(matterRow({ lex_sourcesnapshot: null }));
    expect(await screen.findByText(/has no source snapshot/)).toBeTruthy();
  });

  it('shows a failed save as an error, not as success', async () => {
    const data = setup();
    await screen.findByText('2 field(s) differ');
    data.update = async () => {
      throw new Error('Principal user is missing prvWritelex_Matter privilege');
    };
    fireEvent.click(screen.getByRole('button', { name: 'Mark reviewed' }));
    expect(await screen.findByText(/missing prvWritelex_Matter/)).toBeTruthy();
    expect(screen.queryByText(/Marked reviewed/)).toBeNull();
  });
});
