/**
 * Every dirty record the generator labels, for every source, taken the real way into staging:
 * pre-flight reports it under the same rule.
 */
import { defaultProfile } from '../../scripts/src/mapping/default-profiles';
import { runPreflight } from '../../scripts/src/preflight/checks';
import { DEFAULT_MAX_UPLOAD_BYTES } from '../../scripts/src/preflight/defaults';
import type { SourceKind } from '../../scripts/src/sources/contract';
import { schema } from '../../solution/src/schema';
import { stageGeneratedFirm } from '../mapping/support/staged-firm';

describe.each(['clio-api', 'clio-csv', 'actionstep', 'perfectportal'] as SourceKind[])('pre-flight on a staged %s firm', (source) => {
  it('reports every labelled dirty record under its rule, and nothing blocks once owners have a fallback', async () => {
    const staged = await stageGeneratedFirm(source, { matters: 40, seed: 9, dirtRate: 0.1 });
    try {
      const dynamicsUsers = staged.firm.users.filter((u) => u.inDynamics);
      const report = runPreflight({
        source,
        profile: { ...defaultProfile(source), owners: { match: 'email', fallbackOwnerEmail: dynamicsUsers[0]!.email } },
        records: staged.records,
        stagingIssues: staged.issues,
        environment: {
          systemUsers: dynamicsUsers.map((u, i) => ({ systemuserid: `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`, internalemailaddress: u.email })),
          tables: new Map(schema.tables.map((t) => [t.logicalName, new Set(t.columns.map((c) => c.logicalName))])),
          customTables: [],
          maxUploadFileSize: DEFAULT_MAX_UPLOAD_BYTES,
          notes: [],
        },
      });
      expect(staged.manifest.dirty.length).toBeGreaterThan(5);
      const found = new Set(report.findings.map((f) => `${f.rule}|${f.sourceKey}`));
      expect(staged.manifest.dirty.filter((d) => !found.has(`${d.rule}|${d.sourceKey}`))).toEqual([]);
      expect(report.findings.filter((f) => f.severity === 'blocking')).toEqual([]);
    } finally {
      staged.cleanup();
    }
  });
});
