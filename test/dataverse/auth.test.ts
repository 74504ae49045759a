import type { AuthenticationResult } from '@azure/msal-node';
import { tokenSourceFor } from '../../scripts/src/dataverse/http';
import { cachedTokenSource, clientCredentialsTokenSource, dataverseScope, deviceCodeTokenSource } from '../../scripts/src/dataverse/http/auth';

const result = (accessToken: string, minutes: number): AuthenticationResult =>
  ({ accessToken, expiresOn: new Date(Date.now() + minutes * 60_000), account: { homeAccountId: 'h', environment: 'e', tenantId: 't', username: 'u', localAccountId: 'l' } }) as AuthenticationResult;

describe('token sources', () => {
  it('asks Entra for <environment>/.default with client credentials, caches, and refreshes near expiry', async () => {
    const requests: string[][] = [];
    let n = 0;
    const app = {
      acquireTokenByClientCredential: async ({ scopes }: { scopes: string[] }) => {
        requests.push(scopes);
        n++;
        return result(`token-${n}`, n === 1 ? 60 : 2);
      },
    };
    const source = clientCredentialsTokenSource({ environmentUrl: 'https://contoso.crm.dynamics.com/', tenantId: 't', clientId: 'c', clientSecret: 's', app });
    expect(await source.getToken()).toBe('token-1');
    expect(await source.getToken()).toBe('token-1');
    expect(requests).toEqual([['https://contoso.crm.dynamics.com/.default']]);
    expect(await source.getToken({ forceRefresh: true })).toBe('token-2');
    // token-2 expires in 2 minutes, inside the 5-minute margin: the next call refreshes.
    expect(await source.getToken()).toBe('token-3');
  });

  it('fetches once for concurrent callers', async () => {
    let calls = 0;
    const source = cachedTokenSource(async () => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { token: 't', expiresOn: new Date(Date.now() + 3_600_000) };
    });
    await Promise.all([source.getToken(), source.getToken(), source.getToken()]);
    expect(calls).toBe(1);
  });

  it('turns a sign-in failure into a LexError without the secret', async () => {
    const app = {
      acquireTokenByClientCredential: async () => {
        throw new Error('AADSTS7000215: Invalid client secret provided. Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc');
      },
    };
    const source = clientCredentialsTokenSource({ environmentUrl: 'https://contoso.crm.dynamics.com', tenantId: 't', clientId: 'c', clientSecret: 'super-secret-value', app });
    const error = await source.getToken().catch((e: unknown) => e as Error);
    expect(error).toMatchObject({ code: 'LEX_DATAVERSE_SIGN_IN_FAILED' });
    expect(String(error)).not.toContain('super-secret-value');
    expect(String(error)).not.toContain('eyJhbGciOiJIUzI1NiJ9');
    expect(String(error)).toContain('AADSTS7000215');
  });

  it('device code prompts once, then refreshes silently', async () => {
    const prompts: string[] = [];
    let silent = 0;
    const app = {
      acquireTokenByDeviceCode: async (request: { deviceCodeCallback: (r: { message: string }) => void }) => {
        request.deviceCodeCallback({ message: 'To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code ABC123' });
        return result('device-1', 60);
      },
      acquireTokenSilent: async () => {
        silent++;
        return result(`silent-${silent}`, 60);
      },
    };
    const source = deviceCodeTokenSource({ environmentUrl: 'https://contoso.crm.dynamics.com', clientId: 'c', prompt: (m) => prompts.push(m), app: app as never });
    expect(await source.getToken()).toBe('device-1');
    expect(await source.getToken({ forceRefresh: true })).toBe('silent-1');
    expect(prompts).toHaveLength(1);
    expect(prompts[0]).toContain('ABC123');
  });

  it('derives the scope from the environment origin', () => {
    expect(dataverseScope('https://contoso.crm4.dynamics.com/main.aspx')).toBe('https://contoso.crm4.dynamics.com/.default');
  });
});

describe('tokenSourceFor (pac.config.json environments)', () => {
  const prod = {
    name: 'contoso-prod',
    url: 'https://contoso.crm.dynamics.com',
    tenantId: '00000000-0000-0000-0000-000000000001',
    auth: { mode: 'client-credentials' as const, clientId: '00000000-0000-0000-0000-000000000002', clientSecretEnv: 'LEXBRIDGE_CLIENT_SECRET' },
  };

  it('uses LEXBRIDGE_TOKEN for static-token environments, a placeholder for a local sandbox', async () => {
    const sandbox = { name: 'sandbox', url: 'http://127.0.0.1:5555', auth: { mode: 'static-token' as const } };
    expect(await tokenSourceFor(sandbox, { LEXBRIDGE_TOKEN: 'given' }).getToken()).toBe('given');
    expect(await tokenSourceFor(sandbox, {}).getToken()).toBe('lexbridge-local-sandbox');
    expect(() => tokenSourceFor({ ...sandbox, url: 'https://contoso.crm.dynamics.com' }, {})).toThrow(/LEXBRIDGE_TOKEN is not set/);
  });

  it('names the missing secret variable, never a value', () => {
    let error: unknown;
    try {
      tokenSourceFor(prod, {});
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'LEX_DATAVERSE_NO_SECRET', location: { field: 'environments.contoso-prod.auth.clientSecretEnv' } });
    expect(String(error)).toContain('LEXBRIDGE_CLIENT_SECRET');
  });

  it('builds an MSAL client-credentials source when the secret is set (no network until a token is asked for)', () => {
    expect(typeof tokenSourceFor(prod, { LEXBRIDGE_CLIENT_SECRET: 's3cret' }).getToken).toBe('function');
  });
});
