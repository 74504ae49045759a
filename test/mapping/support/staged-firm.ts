/**
 * A generated firm taken the whole real way into staging: `generate` in the source's format,
 * the source's connector (fixture servers for the API sources), `extract` into SQLite. Returns
 * the staged records, the generator's manifest and the firm (for its users).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startActionstepFixtureServer } from '../../../scripts/src/fixtures/actionstep-server';
import { startClioFixtureServer } from '../../../scripts/src/fixtures/clio-server';
import { fixtureCredentials } from '../../../scripts/src/fixtures/oauth';
import { generate, type GenerateManifest } from '../../../scripts/src/generate';
import { generateFirm, type Firm } from '../../../scripts/src/generate/firm';
import type { MappableRecord } from '../../../scripts/src/mapping/engine';
import { createActionstepConnector } from '../../../scripts/src/sources/actionstep/connector';
import { createClioApiConnector } from '../../../scripts/src/sources/clio-api/connector';
import type { SourceConnector, SourceKind } from '../../../scripts/src/sources/contract';
import { createClioCsvConnector } from '../../../scripts/src/sources/clio-csv/connector';
import { createPerfectPortalConnector } from '../../../scripts/src/sources/perfectportal/connector';
import { extractToStaging } from '../../../scripts/src/staging/extract';
import { StagingStore, type StagedIssue } from '../../../scripts/src/staging/store';

export interface StagedFirm {
  firm: Firm;
  manifest: GenerateManifest;
  records: MappableRecord[];
  issues: StagedIssue[];
  dir: string;
  cleanup(): void;
}

export async function stageGeneratedFirm(source: SourceKind, options: { matters: number; seed: number; dirtRate: number }): Promise<StagedFirm> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `lexbridge-staged-${source}-`));
  const data = path.join(dir, 'export');
  const manifest = await generate({ source, ...options, out: data });
  const firm = generateFirm(options);
  const server = source === 'clio-api' ? await startClioFixtureServer({ dataDir: data, rate: '100000/min' }) : source === 'actionstep' ? await startActionstepFixtureServer({ dataDir: data, rate: '100000/min' }) : undefined;
  try {
    const connector: SourceConnector =
      source === 'clio-api'
        ? createClioApiConnector({ from: server!.baseUrl, config: fixtureCredentials(server!.baseUrl) }, { env: {} })
        : source === 'actionstep'
          ? createActionstepConnector({ from: server!.baseUrl, config: { ...fixtureCredentials(server!.baseUrl), rateLimit: { requests: 100000, windowMs: 60_000 } } }, { env: {} })
          : source === 'clio-csv'
            ? await createClioCsvConnector({ from: data })
            : await createPerfectPortalConnector({ from: data });
    const staging = StagingStore.open(path.join(dir, 'staging'));
    try {
      await extractToStaging(connector, staging, { source, from: server?.baseUrl ?? data });
      await connector.close?.();
      return {
        firm,
        manifest,
        records: [...staging.records()] as unknown as MappableRecord[],
        issues: staging.issues(),
        dir,
        cleanup: () => rmSync(dir, { recursive: true, force: true }),
      };
    } finally {
      staging.close();
    }
  } finally {
    await server?.close();
  }
}
