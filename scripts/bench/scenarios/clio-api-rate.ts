/**
 * Clio API extraction at the rate limit: a generated firm served by the Clio fixture server at
 * 50 requests per 2 s (Clio's 50/min with a short window), extracted through every stream of the
 * connector. Goal: wall time ≤ 1.05 × requests / rate, with no 429.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { round, timed, type BenchScenario } from '../harness';
import { generateFirm } from '../../src/generate/firm';
import { renderClioApi } from '../../src/generate/render/clio-api';
import { startClioFixtureServer } from '../../src/fixtures/clio-server';
import { fixtureCredentials } from '../../src/fixtures/oauth';
import { createClioApiConnector } from '../../src/sources/clio-api/connector';
import { CLIO_STREAMS } from '../../src/sources/clio-api/streams';

const RATE = { requests: 50, windowMs: 2000 };

export const scenario: BenchScenario = {
  name: 'clio-api-rate',
  description: 'Clio API extraction against the fixture server at 50 requests / 2 s: wall time vs requests ÷ rate (goal ≤ 1.05)',
  run: async ({ quick }) => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-clio-api-'));
    const matters = quick ? 40 : 150;
    await renderClioApi(generateFirm({ seed: 1, matters, dirtRate: 0.05 }), dataDir);
    const server = await startClioFixtureServer({ dataDir, rate: { limit: RATE.requests, windowMs: RATE.windowMs } });
    try {
      // small pages so the run is long enough to measure the pacing, not the first burst
      const connector = createClioApiConnector({ from: server.baseUrl, config: { ...fixtureCredentials(server.baseUrl), pageSize: 25, rateLimit: RATE } }, { env: {} });
      let records = 0;
      const { ms } = await timed(async () => {
        for (const stream of CLIO_STREAMS) for await (const m of connector.read(stream.name)) if (m.kind === 'record') records++;
      });
      const api = server.requestLog().filter((r) => r.path.startsWith('/api/'));
      const boundMs = (api.length / RATE.requests) * RATE.windowMs;
      return {
        scenario: 'clio-api-rate',
        matters,
        records,
        requests: api.length,
        throttled: api.filter((r) => r.status === 429).length,
        seconds: round(ms / 1000),
        boundSeconds: round(boundMs / 1000),
        ratio: round(ms / boundMs, 3),
      };
    } finally {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
