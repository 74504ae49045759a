/**
 * Bearer tokens for the HTTP adapter: a static token (the sandbox), or Microsoft Entra through
 * MSAL — client credentials for an application user (server to server), device code for a
 * person at a terminal. Tokens are cached until five minutes before expiry and fetched once
 * for all concurrent requests. They are never logged, and never appear in an error.
 */
import { ConfidentialClientApplication, PublicClientApplication, type AccountInfo, type AuthenticationResult, type DeviceCodeRequest } from '@azure/msal-node';
import { LexError } from '../../errors';
import { redactSecrets } from '../errors';
import type { TokenSource } from '../transport';

const REFRESH_MARGIN_MS = 5 * 60_000;

export interface AcquiredToken {
  token: string;
  expiresOn: Date | undefined;
}

/** Wraps a token fetcher with a cache and single-flight refresh. */
export function cachedTokenSource(fetchToken: () => Promise<AcquiredToken>, now: () => number = Date.now): TokenSource {
  let cached: AcquiredToken | undefined;
  let inFlight: Promise<AcquiredToken> | undefined;
  return {
    async getToken(options) {
      const fresh = cached && (!cached.expiresOn || cached.expiresOn.getTime() - REFRESH_MARGIN_MS > now());
      if (fresh && !options?.forceRefresh) return cached!.token;
      inFlight ??= fetchToken().finally(() => {
        inFlight = undefined;
      });
      cached = await inFlight;
      return cached.token;
    },
  };
}

export function staticTokenSource(token: string): TokenSource {
  return { getToken: async () => token };
}

/** Scope for the Dataverse Web API: the environment URL + `/.default` (notes §9.1). */
export function dataverseScope(environmentUrl: string): string {
  return `${new URL(environmentUrl).origin}/.default`;
}

function authError(what: string, cause: unknown): LexError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new LexError({
    code: 'LEX_DATAVERSE_SIGN_IN_FAILED',
    message: `${what}: ${redactSecrets(reason)}`,
    fix: 'check tenantId and auth.clientId for this environment in pac.config.json, that the secret variable named by clientSecretEnv is set, and that the app registration has an application user in the environment',
    transient: false,
    cause,
  });
}

function fromResult(result: AuthenticationResult | null, what: string): AcquiredToken {
  if (!result?.accessToken) throw authError(what, 'Microsoft Entra returned no access token');
  return { token: result.accessToken, expiresOn: result.expiresOn ?? undefined };
}

/** The part of `ConfidentialClientApplication` used here (tests inject a fake). */
export interface ClientCredentialApp {
  acquireTokenByClientCredential(request: { scopes: string[] }): Promise<AuthenticationResult | null>;
}

export interface ClientCredentialsOptions {
  environmentUrl: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Defaults to `https://login.microsoftonline.com/<tenantId>`. */
  authority?: string;
  app?: ClientCredentialApp;
}

export function clientCredentialsTokenSource(options: ClientCredentialsOptions): TokenSource {
  const app =
    options.app ??
    new ConfidentialClientApplication({
      auth: { clientId: options.clientId, clientSecret: options.clientSecret, authority: options.authority ?? `https://login.microsoftonline.com/${options.tenantId}` },
    });
  const scopes = [dataverseScope(options.environmentUrl)];
  return cachedTokenSource(async () => {
    try {
      return fromResult(await app.acquireTokenByClientCredential({ scopes }), 'client-credentials sign-in failed');
    } catch (cause) {
      if (cause instanceof LexError) throw cause;
      throw authError('client-credentials sign-in failed', cause);
    }
  });
}

/** The part of `PublicClientApplication` used here (tests inject a fake). */
export interface DeviceCodeApp {
  acquireTokenByDeviceCode(request: DeviceCodeRequest): Promise<AuthenticationResult | null>;
  acquireTokenSilent(request: { account: AccountInfo; scopes: string[] }): Promise<AuthenticationResult>;
}

export interface DeviceCodeOptions {
  environmentUrl: string;
  tenantId?: string;
  clientId: string;
  authority?: string;
  /** Shows the sign-in message (URL and code) to the person. */
  prompt: (message: string) => void;
  app?: DeviceCodeApp;
}

export function deviceCodeTokenSource(options: DeviceCodeOptions): TokenSource {
  const app =
    options.app ??
    new PublicClientApplication({
      auth: { clientId: options.clientId, authority: options.authority ?? `https://login.microsoftonline.com/${options.tenantId ?? 'organizations'}` },
    });
  const scopes = [dataverseScope(options.environmentUrl)];
  let account: AccountInfo | undefined;
  return cachedTokenSource(async () => {
    try {
      // After the first sign-in MSAL refreshes silently from its cache; no second prompt.
      if (account) {
        try {
          return fromResult(await app.acquireTokenSilent({ account, scopes }), 'silent token refresh failed');
        } catch {
          account = undefined;
        }
      }
      const result = await app.acquireTokenByDeviceCode({ scopes, deviceCodeCallback: (response) => options.prompt(response.message) });
      account = result?.account ?? undefined;
      return fromResult(result, 'device-code sign-in failed');
    } catch (cause) {
      if (cause instanceof LexError) throw cause;
      throw authError('device-code sign-in failed', cause);
    }
  });
}
