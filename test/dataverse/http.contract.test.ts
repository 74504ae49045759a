/** The DataverseClient contract through the HTTP adapter (undici), against the sandbox. */
import { createHttpClient } from '../../scripts/src/dataverse/http';
import { staticTokenSource } from '../../scripts/src/dataverse/http/auth';
import { startSandbox } from '../../scripts/src/sandbox/server';
import { dataverseClientContract } from './contract';

dataverseClientContract({
  adapter: 'HTTP',
  throttled: { faults: { throttleRate: 0.25, retryAfterSeconds: 2 }, seed: 7 },
  async start(options = {}) {
    const sandbox = await startSandbox(options);
    const client = createHttpClient({ url: sandbox.apiUrl, auth: staticTokenSource('contract-test-token') });
    return {
      client,
      requests: () => sandbox.requestLog().map((r) => ({ method: r.method, path: r.path, status: r.status, at: r.time })),
      close: async () => {
        await client.close();
        await sandbox.close();
      },
    };
  },
});
