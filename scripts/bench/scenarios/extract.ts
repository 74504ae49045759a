/**
 * Extraction against the rate limit: a generated firm served by the Clio fixture server at a
 * scaled rate (600 requests/minute, enforced as 10 per second, instead of Clio's 50/minute, so
 * the run takes seconds), pages of 200 rows (Clio's maximum), extracted through every stream of
 * the connector. The lower bound is requests ÷ rate: no client can do the same requests faster.
 * Goal: time ÷ bound ≤ 1.05.
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

/** 600/min as 10 per 1 s window: the same rate, with bursts no larger than a tenth of a minute's budget. */
const RATE = { requests: 10, windowMs: 1000 };
const PAGE_SIZE = 200;

export const scenario: BenchScenario = {
  name: 'extract',
  description: 'Clio API extraction at a scaled rate (600/min, pages of 200): wall time ÷ (requests ÷ rate) (goal ≤ 1.05)',
  run: async ({ quick }) => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-extract-'));
    const matters = quick ? 150 : 600;
    await renderClioApi(generateFirm({ seed: 1, matters, dirtRate: 0.02 }), dataDir);
    const server = await startClioFixtureServer({ dataDir, rate: { limit: RATE.requests, windowMs: RATE.windowMs } });
    try {
      const connector = createClioApiConnector({ from: server.baseUrl, config: { ...fixtureCredentials(server.baseUrl), pageSize: PAGE_SIZE, rateLimit: RATE } }, { env: {} });
      let records = 0;
      const { ms } = await timed(async () => {
        for (const stream of CLIO_STREAMS) for await (const m of connector.read(stream.name)) if (m.kind === 'record') records++;
      });
      const api = server.requestLog().filter((r) => r.path.startsWith('/api/'));
      // Bound: with fixed windows of RATE.requests calls, the first window goes at once and each further one waits a window.
      const boundMs = (Math.ceil(api.length / RATE.requests) - 1) * RATE.windowMs;
      return {
        scenario: 'extract',
        ratioToBound: round(ms / boundMs, 3),
        records,
        requests: api.length,
        throttled: api.filter((r) => r.status === 429).length,
        seconds: round(ms / 1000),
        boundSeconds: round(boundMs / 1000),
        boundFormula: `(⌈requests ÷ ${RATE.requests}⌉ − 1) × ${RATE.windowMs / 1000} s: fixed windows of ${RATE.requests} calls, the first at once`,
        rate: '600/min (10 per 1 s window)',
        pageSize: PAGE_SIZE,
      };
    } finally {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
