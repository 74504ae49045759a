/**
 * Pins the mapping engine's whole output, byte for byte, on real data: every op (key order
 * included, since the plan hashes its JSON), every error (code, message, fix, location), every
 * skip, the setup rows and the context's index. Performance work on mapping/ must keep these
 * digests; a deliberate change of behaviour updates them in the same commit, saying why.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runExtract } from '../../scripts/src/cli/commands/extract';
import { createContext, setupOps, type SystemUser } from '../../scripts/src/mapping/context';
import { defaultProfile } from '../../scripts/src/mapping/default-profiles';
import { mapRecord, type MappableRecord } from '../../scripts/src/mapping/engine';
import type { Profile } from '../../scripts/src/mapping/profile';
import type { SourceKind } from '../../scripts/src/sources/contract';
import { StagingStore } from '../../scripts/src/staging/store';
import { generatedFirmRecords } from './support/firm-records';

const SAMPLE = path.resolve(__dirname, '../../samples/clio-csv-small');

/** Dynamics users for the source's users: most match (by email and name), one is disabled, the last has none. */
function systemUsersFor(records: readonly MappableRecord[]): SystemUser[] {
  const users = records.filter((r) => r.type === 'user');
  return users.slice(0, -1).map((u, i) => ({
    systemuserid: `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
    internalemailaddress: typeof u['email'] === 'string' ? u['email'].toUpperCase() : `user${i}@firm.example`,
    fullname: String(u['name'] ?? ''),
    isdisabled: i === 1,
  }));
}

interface Digest {
  records: number;
  ops: number;
  errors: number;
  sha256: string;
}

/** Maps every record twice: once plain, once with a few rows matched as pre-existing (their ids and lookups change). */
function digest(records: readonly MappableRecord[], kind: SourceKind): Digest {
  const systemUsers = systemUsersFor(records);
  const base = defaultProfile(kind);
  const profile: Profile = { ...base, owners: { match: 'email', fallbackOwnerEmail: systemUsers[0]!.internalemailaddress! } };
  const hash = createHash('sha256');
  let ops = 0;
  let errors = 0;
  const run = (preExisting?: Map<string, string>) => {
    const { context, users, targets } = createContext({ profile, records, systemUsers, ...(preExisting ? { preExisting } : {}) });
    hash.update(JSON.stringify(setupOps(profile)));
    hash.update(JSON.stringify([...targets]));
    hash.update(JSON.stringify({ ...users, resolved: [...users.resolved] }));
    const keys: string[] = [];
    for (const record of records) {
      const result = mapRecord(record, profile, context);
      ops += result.ops.length;
      errors += result.errors.length;
      for (const op of result.ops) keys.push(op.targetKey);
      hash.update(JSON.stringify({ ops: result.ops, errors: result.errors.map((e) => ({ code: e.code, message: e.message, fix: e.fix, location: e.location })), skipped: result.skipped }));
    }
    return keys;
  };
  const keys = run();
  // Every 17th row (and the first of each table) stands for one the firm created by hand.
  run(new Map(keys.filter((_, i) => i % 17 === 0).map((k, i) => [k, `11111111-2222-4333-8444-${String(i).padStart(12, '0')}`])));
  return { records: records.length, ops, errors, sha256: hash.digest('hex') };
}

describe('mapping output is pinned', () => {
  it('samples/clio-csv-small, staged by the real extract, with the default Clio CSV profile', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lexbridge-pin-'));
    try {
      await runExtract({ source: 'clio-csv', from: SAMPLE, out: path.join(dir, 'staging') });
      const staging = StagingStore.open(path.join(dir, 'staging'));
      let records: MappableRecord[];
      try {
        records = [...staging.records()] as unknown as MappableRecord[];
      } finally {
        staging.close();
      }
      expect(digest(records, 'clio-csv')).toEqual({ records: 1331, ops: 2242, errors: 112, sha256: '807049e7edcb46ac96fe842013deab116a80bdc94602b53254302585649efe63' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['clio', 'clio-api', '6c60a75c36f7ce5e9b12136f7dbe0bbe75581cbe42c791c6d933d2c1a2418999'],
    ['actionstep', 'actionstep', 'c76efa38add0fa70a49ba3099ae2762377dedad97a40b89bf41dfd694ba20abb'],
    ['perfectportal', 'perfectportal', '0f1ebbeb8c373041e8b7db5b6f6b08bab57de2dc961dc7718e73c4d5ec1152da'],
  ] as const)('a generated %s firm with dirt, with the default %s profile', (system, kind, sha256) => {
    const { records } = generatedFirmRecords(system, 60, 0.15);
    expect(digest(records, kind)).toEqual({ records: 2447, ops: 5000, errors: 700, sha256 });
  });
});
