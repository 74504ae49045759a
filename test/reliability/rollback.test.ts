/**
 * Rollback after a run that updated rows the firm already had (accounts and contacts entered by
 * hand, matched in pre-flight): the sandbox's tables return to a byte-identical snapshot of their
 * pre-run state — every row, every column — except the columns the platform itself rewrites on
 * any write (modified on/by, version number), which no client can set back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Journal, runsRoot } from '../../scripts/src/journal/journal';
import { rollbackRun, startRun } from '../../scripts/src/pipeline/run';
import { DEFAULT_USERS } from '../../scripts/src/sandbox/server';
import { mapStaging, PLATFORM_SET, prepare, reliabilityProfile, stagedFirm, tableSnapshot, type Prepared } from './support/harness';

const HAND_MADE_OWNER = DEFAULT_USERS[2]!.systemuserid;

describe('rollback of a run that updated pre-existing rows', () => {
  let dir: string;
  let prepared: Prepared | undefined;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lex-reliability-rollback-'));
  });
  afterAll(async () => {
    await prepared?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('returns every table to a byte-identical snapshot', async () => {
    const staging = await stagedFirm(dir);
    const users = DEFAULT_USERS.map((u) => ({ systemuserid: u.systemuserid, internalemailaddress: u.internalemailaddress, isdisabled: u.isdisabled }));
    // The firm's first people and organisations, as the admin had typed them into Dynamics.
    const people = [...mapStaging(staging, reliabilityProfile(), users).ops].filter((o) => (o.table === 'account' || o.table === 'contact') && o.sourceKey.startsWith('clio:contact:')).slice(0, 8);
    expect(new Set(people.map((o) => o.table))).toEqual(new Set(['account', 'contact']));
    const preExisting = new Map<string, string>();
    prepared = await prepare(dir, 'firm', staging, {
      preExisting,
      beforeSample: async (client) => {
        for (const [i, op] of people.entries()) {
          const id = `dddddddd-0000-4000-8000-${String(i + 1).padStart(12, '0')}`;
          const owner = { 'ownerid@odata.bind': `/systemusers(${HAND_MADE_OWNER})` };
          const row = op.table === 'account' ? { name: `Hand-made ${i}`, telephone1: `555-01${i}`, description: 'entered before the migration', ...owner } : { firstname: 'Hand', lastname: `Made ${i}`, emailaddress1: `hand${i}@firm.example`, jobtitle: 'Client', ...owner };
          await client.upsert(op.table, id, row);
          preExisting.set(op.sourceKey, id);
        }
      },
    });
    const { sandbox, client, base, cwd } = prepared;
    const ignore = new Set(PLATFORM_SET);
    const before = JSON.stringify(tableSnapshot(sandbox, ignore));

    const run = await startRun({ ...base, mode: 'full', batchSize: 25 });
    const journal = Journal.open(runsRoot(cwd), run.runId);
    const updated = journal.operations().filter((o) => o.action === 'updated' && o.status === 'ok').map((o) => o.targetId);
    journal.close();
    expect(updated).toEqual(expect.arrayContaining([...preExisting.values()])); // the run did change the hand-made rows (and the sample's)
    expect(JSON.stringify(tableSnapshot(sandbox, ignore))).not.toBe(before);

    const undone = await rollbackRun({ cwd, runId: run.runId, client, environment: sandbox.apiUrl });
    expect(undone).toMatchObject({ status: 'completed', verified: true });
    const after = JSON.stringify(tableSnapshot(sandbox, ignore));
    if (after !== before) expect(JSON.parse(after)).toEqual(JSON.parse(before)); // shows the difference
    expect(after).toBe(before);
  }, 300_000);
});
