/**
 * The DataverseClient contract through the Xrm adapter: a fake `Xrm.WebApi` that sends what
 * Dynamics sends, and same-origin fetch, against the sandbox. The browser session is played by
 * a fetch that adds one fixed bearer token, since the sandbox authenticates by bearer.
 */
import { startSandbox } from '../../scripts/src/sandbox/server';
import { XrmDataverseClient } from '../../scripts/src/dataverse/xrm';
import { dataverseClientContract } from './contract';
import { fakeXrmWebApi } from './fake-xrm';

const sessionFetch: typeof fetch = (input, init = {}) =>
  fetch(input, { ...init, headers: { ...(init.headers as Record<string, string>), Authorization: 'Bearer browser-session' } });

dataverseClientContract({
  adapter: 'Xrm.WebApi',
  throttled: { faults: { throttleRate: 0.25, retryAfterSeconds: 2 }, seed: 7 },
  async start(options = {}) {
    const sandbox = await startSandbox(options);
    const client = new XrmDataverseClient({ webApi: fakeXrmWebApi(sandbox.apiUrl, sessionFetch), clientUrl: sandbox.baseUrl, fetch: sessionFetch });
    return {
      client,
      requests: () => sandbox.requestLog().map((r) => ({ method: r.method, path: r.path, status: r.status, at: r.time })),
      close: () => sandbox.close(),
    };
  },
});
