/**
 * @jest-environment jsdom
 */
import './support/jsdom';
import * as React from 'react';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { MappingReview } from '../../pcf-controls/MappingReview/MappingReview';
import { defaultProfile } from '../../scripts/src/mapping/default-profiles';
import { parseProfile, profileHash } from '../../scripts/src/mapping/profile-lifecycle';
import type { Profile } from '../../scripts/src/mapping/profile';
import { Choices } from '../../solution/generated/names';
import { controlLabels, fakeData } from './support/fake-data';
import { matterRow, profileRow } from './support/matter';

const label = controlLabels('MappingReview');
const user = { id: 'u9', name: 'Alex Admin', email: 'alex@firm.example', roles: [] };
const DRAFT_ID = 'aaaaaaaa-0000-5000-8000-0000000000d1';

function draftWithProposals(): Profile {
  const base = defaultProfile('clio-api');
  const proposals = [
    { entity: 'matter', field: 'Court', table: 'lex_matter', column: 'lex_description', score: 0.72, reason: 'name: "court" ~ "description" (0.6); type text = memo', alternatives: [{ table: 'lex_matter', column: 'lex_name', score: 0.41 }] },
    { entity: 'matter', field: 'Referral source', table: 'lex_matter', column: 'lex_customfields', score: 0.5, reason: 'no column fits better than the JSON column', alternatives: [] },
  ];
  const draft = { ...base, proposals };
  return { ...draft, hash: profileHash(draft) };
}

function setup(profile = draftWithProposals()) {
  const data = fakeData({ lex_mappingprofile: [profileRow(profile, DRAFT_ID)], lex_matter: [matterRow()] });
  render(<MappingReview recordId={DRAFT_ID} profileJson={JSON.stringify(profile)} data={data} user={user} label={label} now={() => new Date('2026-11-23T10:00:00Z')} />);
  return data;
}

const proposalRow = (key: string) => document.querySelector(`[data-proposal="${key}"]`) as HTMLElement;

describe('MappingReview', () => {
  it('lists every mapped field with its target, transform and sample values, and what stays unmapped', async () => {
    setup();
    const map = screen.getByRole('table', { name: 'Field map' });
    const billing = within(map).getByText('matter.billingMethod').closest('tr')!;
    expect(within(billing).getByText('lex_matter.lex_billingmethod')).toBeTruthy();
    expect(within(billing).getByText('value map (4)')).toBeTruthy();
    // Samples come from migrated rows' source snapshots.
    await waitFor(() => expect(within(billing).getByText('flat')).toBeTruthy());
    expect(within(screen.getByRole('list', { name: 'Not mapped to a column of its own' })).getByText('workflow_definition')).toBeTruthy();
  });

  it('shows each suggestion with its score and reason', () => {
    setup();
    const court = proposalRow('matter.Court');
    expect(within(court).getByText('72%')).toBeTruthy();
    expect(within(court).getByText(/name: "court"/)).toBeTruthy();
  });

  it('will not confirm while a suggestion waits for a decision', async () => {
    const data = setup();
    fireEvent.click(screen.getByRole('button', { name: 'Confirm mapping' }));
    expect(await screen.findByText(/2 suggestion\(s\) still need a decision/)).toBeTruthy();
    expect(data.writes).toHaveLength(0);
  });

  it('confirms: accepted and rejected suggestions are written in, a confirmed version is created, the draft superseded', async () => {
    const data = setup();
    fireEvent.click(within(proposalRow('matter.Court')).getByRole('button', { name: 'Accept' }));
    fireEvent.click(within(proposalRow('matter.Referral source')).getByRole('button', { name: 'Reject' }));
    fireEvent.click(screen.getByRole('button', { name: 'Confirm mapping' }));
    await screen.findByText('Mapping confirmed');

    const created = data.writes.find((w) => w.kind === 'create')!;
    expect(created.values).toMatchObject({ lex_profilestatus: Choices.lex_profilestatus.Confirmed, lex_version: 1, lex_confirmedby: 'alex@firm.example', lex_confirmedon: '2026-11-23T10:00:00.000Z' });
    // The engine accepts it as confirmed: the hash matches the content.
    const confirmed = parseProfile(JSON.parse(String(created.values['lex_profilejson'])));
    expect(confirmed.status).toBe('confirmed');
    expect(created.values['lex_profilehash']).toBe(confirmed.hash);
    expect(confirmed.customFields['matter.Court']).toEqual({ table: 'lex_matter', column: 'lex_description' });
    expect(confirmed.customFields['matter.Referral source']).toEqual({ json: true });
    expect(confirmed.proposals).toEqual([]);
    expect(data.tables.get('lex_mappingprofile')!.get(DRAFT_ID)!['lex_profilestatus']).toBe(Choices.lex_profilestatus.Superseded);
    expect(screen.getByRole('button', { name: 'Confirm mapping' })).toHaveProperty('disabled', true);
  });

  it('edits the source of a mapped column; the confirmed version carries the edit', async () => {
    const data = setup();
    fireEvent.click(screen.getByRole('button', { name: 'Edit the source field of lex_matter.lex_description' }));
    const input = screen.getByRole('textbox', { name: /Source field for lex_matter.lex_description/ });
    fireEvent.change(input, { target: { value: 'description + customFields.Court' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    fireEvent.blur(input);
    const row = document.querySelector('[data-map="matter/lex_matter/lex_description"]') as HTMLElement;
    expect(within(row).getByText('matter.description + customFields.Court')).toBeTruthy();
    expect(within(row).getByText('Edited')).toBeTruthy();
    fireEvent.click(within(proposalRow('matter.Court')).getByRole('button', { name: 'Reject' }));
    fireEvent.click(within(proposalRow('matter.Referral source')).getByRole('button', { name: 'Reject' }));
    fireEvent.click(screen.getByRole('button', { name: 'Confirm mapping' }));
    await screen.findByText('Mapping confirmed');
    const confirmed = parseProfile(JSON.parse(String(data.writes.find((w) => w.kind === 'create')!.values['lex_profilejson'])));
    const matter = confirmed.entities['matter']!.targets.find((t) => t.table === 'lex_matter')!;
    expect(matter.columns['lex_description']!.from).toEqual(['description', 'customFields.Court']);
    // Everything else is as it was.
    expect(matter.columns['lex_matternumber']!.from).toBe('number|$sourceId');
  });

  it('reports a profile that is not valid instead of rendering it', () => {
    const data = fakeData();
    render(<MappingReview recordId={DRAFT_ID} profileJson={JSON.stringify({ name: 'x' })} data={data} user={user} label={label} />);
    expect(screen.getByText('The profile is not valid')).toBeTruthy();
  });
});
