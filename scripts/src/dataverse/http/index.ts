/**
 * The HTTP adapter: `DataverseClient` over the Dataverse Web API on undici, for the CLI and the
 * engine in Node. Sign-in comes from the environment's entry in pac.config.json.
 */
import type { ResolvedEnvironment } from '../../../../solution/src/config';
import { LexError } from '../../errors';
import { AdaptiveConcurrency } from '../concurrency';
import { defaultRetryPolicy, type RetryPolicy } from '../retry';
import { createTransport, type RetryEvent, type TokenSource } from '../transport';
import { WebApiClient } from '../web-api-client';
import { clientCredentialsTokenSource, deviceCodeTokenSource, staticTokenSource } from './auth';
import { undiciSend } from './send';

export interface HttpClientOptions {
  /** `https://contoso.crm.dynamics.com`, or a Web API root such as the sandbox's `…/api/data/v9.2/`. */
  url: string;
  auth: TokenSource;
  /** Parallel requests: adaptive from `initialParallel` up to `maxParallel` (and `x-ms-dop-hint`). */
  initialParallel?: number;
  maxParallel?: number;
  retry?: Partial<RetryPolicy>;
  timeoutMs?: number;
  bulk?: 'detect' | 'never';
  bulkSize?: number;
  batchSize?: number;
  onRetry?: (event: RetryEvent) => void;
}

export class HttpDataverseClient extends WebApiClient {
  constructor(
    options: ConstructorParameters<typeof WebApiClient>[0],
    /** The live parallelism controller (for run monitors and tests). */
    readonly concurrency: AdaptiveConcurrency,
    private readonly closeSend: () => Promise<void>,
  ) {
    super(options);
  }

  /** Closes pooled connections. */
  close(): Promise<void> {
    return this.closeSend();
  }
}

/** The Web API root for an environment URL (`…/api/data/v9.2/`); a given API root is kept. */
export function webApiUrl(url: string): string {
  if (/\/api\/data\/v\d+\.\d+\/?$/.test(url)) return url.endsWith('/') ? url : `${url}/`;
  return `${url.replace(/\/+$/, '')}/api/data/v9.2/`;
}

export function createHttpClient(options: HttpClientOptions): HttpDataverseClient {
  const send = undiciSend({ ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });
  const concurrency = new AdaptiveConcurrency({ initial: options.initialParallel ?? 2, max: options.maxParallel ?? 16 });
  const apiUrl = webApiUrl(options.url);
  const transport = createTransport({
    apiUrl,
    send,
    auth: options.auth,
    concurrency,
    retry: { ...defaultRetryPolicy, ...options.retry },
    ...(options.onRetry ? { onRetry: options.onRetry } : {}),
  });
  return new HttpDataverseClient(
    {
      transport,
      apiUrl,
      ...(options.bulk ? { bulk: options.bulk } : {}),
      ...(options.bulkSize ? { bulkSize: options.bulkSize } : {}),
      ...(options.batchSize ? { batchSize: options.batchSize } : {}),
    },
    concurrency,
    () => send.close(),
  );
}

/**
 * Token source for a configured environment. Secrets come from the environment variables the
 * config names (never from the file); static tokens from LEXBRIDGE_TOKEN, or a placeholder for
 * a local sandbox, which accepts any bearer token by default.
 */
export function tokenSourceFor(environment: ResolvedEnvironment, env: Record<string, string | undefined>, prompt: (message: string) => void = console.error): TokenSource {
  const { auth } = environment;
  if (auth.mode === 'static-token') {
    const token = env.LEXBRIDGE_TOKEN;
    if (token) return staticTokenSource(token);
    if (/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?/.test(environment.url)) return staticTokenSource('lexbridge-local-sandbox');
    throw new LexError({
      code: 'LEX_DATAVERSE_NO_TOKEN',
      message: `environment "${environment.name}" uses a static token but LEXBRIDGE_TOKEN is not set`,
      fix: 'set LEXBRIDGE_TOKEN, or give the environment client-credentials or device-code auth in pac.config.json',
      location: { file: 'pac.config.json', field: `environments.${environment.name}.auth` },
    });
  }
  if (!environment.tenantId && auth.mode === 'client-credentials') {
    throw new LexError({
      code: 'LEX_DATAVERSE_NO_TENANT',
      message: `environment "${environment.name}" has no tenantId`,
      fix: `add "tenantId" (the Microsoft Entra tenant GUID) to environments.${environment.name} in pac.config.json`,
      location: { file: 'pac.config.json', field: `environments.${environment.name}.tenantId` },
    });
  }
  if (auth.mode === 'client-credentials') {
    const secret = env[auth.clientSecretEnv!];
    if (!secret) {
      throw new LexError({
        code: 'LEX_DATAVERSE_NO_SECRET',
        message: `the client secret variable ${auth.clientSecretEnv} is not set`,
        fix: `export ${auth.clientSecretEnv}=<the app registration's client secret> before running the command`,
        location: { file: 'pac.config.json', field: `environments.${environment.name}.auth.clientSecretEnv` },
      });
    }
    return clientCredentialsTokenSource({ environmentUrl: environment.url, tenantId: environment.tenantId!, clientId: auth.clientId!, clientSecret: secret });
  }
  return deviceCodeTokenSource({ environmentUrl: environment.url, clientId: auth.clientId!, prompt, ...(environment.tenantId ? { tenantId: environment.tenantId } : {}) });
}
