/**
 * The client side of OAuth 2.0 authorization code + refresh, as Clio and Actionstep both run it:
 * trade a code (first connection) or a refresh token for an access token, refresh once on a 401,
 * and keep the newest refresh token (Actionstep issues a new one with every access token; a
 * `onRefreshToken` hook lets the caller persist it). Secrets stay in this object: errors carry
 * the server's error code and the token URL, never a token, code or client secret.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { LexError } from '../../errors';
import { redactUrl } from './http';

export interface OAuthCredentials {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  refreshToken?: string;
  authorizationCode?: string;
  redirectUri?: string;
  onRefreshToken?: (refreshToken: string) => void;
}

export interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  expires_in?: number;
  token_type?: string;
  [extra: string]: unknown;
}

export class OAuthSession {
  private accessToken: string | undefined;
  private refreshToken: string | undefined;
  private code: string | undefined;
  private pending: Promise<TokenResponse> | undefined;
  /** The last token response (Actionstep's carries `api_endpoint` and `orgkey`). */
  lastGrant: TokenResponse | undefined;

  constructor(
    private readonly credentials: OAuthCredentials,
    private readonly doFetch: typeof fetch = fetch,
  ) {
    this.refreshToken = credentials.refreshToken;
    this.code = credentials.authorizationCode;
  }

  /** Has an access token, getting one first if needed. */
  async ensure(): Promise<void> {
    if (!this.accessToken) await this.renew();
  }

  /** For `createHttpClient({ refreshAuth })`: one refresh after a 401. */
  refresh = async (): Promise<boolean> => {
    this.accessToken = undefined;
    await this.renew();
    return true;
  };

  headers = (): Record<string, string> => (this.accessToken ? { authorization: `Bearer ${this.accessToken}` } : {});

  /** Concurrent callers share one token request. */
  private renew(): Promise<TokenResponse> {
    this.pending ??= this.requestToken().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async requestToken(): Promise<TokenResponse> {
    const { tokenUrl, clientId, clientSecret, redirectUri } = this.credentials;
    const form = new URLSearchParams({ client_id: clientId, client_secret: clientSecret });
    if (this.refreshToken) {
      form.set('grant_type', 'refresh_token');
      form.set('refresh_token', this.refreshToken);
    } else if (this.code) {
      form.set('grant_type', 'authorization_code');
      form.set('code', this.code);
      if (redirectUri) form.set('redirect_uri', redirectUri);
      this.code = undefined; // a code is single-use
    } else {
      throw new LexError({
        code: 'LEX_SOURCE_OAUTH_NOT_CONNECTED',
        message: 'no refresh token or authorization code to connect with',
        fix: 'Connect the source first (authorize the app in the browser) and give the refresh token in the source config or environment.',
        location: { url: redactUrl(tokenUrl) },
      });
    }
    let response: Response;
    try {
      response = await this.doFetch(tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: form });
    } catch (cause) {
      throw new LexError({
        code: 'LEX_SOURCE_OAUTH_NETWORK',
        message: `the token endpoint could not be reached: ${cause instanceof Error ? cause.message : String(cause)}`,
        fix: 'Check the network and the source URL (region); the request is retried.',
        location: { url: redactUrl(tokenUrl) },
        transient: true,
      });
    }
    const text = await response.text();
    let body: Partial<TokenResponse> & { error?: string; error_description?: string } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      // reported below with the status; the body is not echoed (it could hold a token)
    }
    if (!response.ok || typeof body.access_token !== 'string') {
      throw new LexError({
        code: 'LEX_SOURCE_OAUTH_REJECTED',
        message: `the token endpoint answered ${response.status}${body.error ? ` ${body.error}` : ''}${body.error_description ? `: ${body.error_description}` : ''}`,
        fix:
          response.status === 401 || body.error === 'invalid_client'
            ? 'Check the client id and client secret of the source app.'
            : 'Reconnect the source: the refresh token or code is invalid or expired (authorize the app again).',
        location: { url: redactUrl(tokenUrl) },
        transient: response.status >= 500,
      });
    }
    this.accessToken = body.access_token;
    if (typeof body.refresh_token === 'string' && body.refresh_token !== this.refreshToken) {
      this.refreshToken = body.refresh_token;
      this.credentials.onRefreshToken?.(body.refresh_token);
    }
    this.lastGrant = body as TokenResponse;
    return this.lastGrant;
  }
}

/** A refresh token kept between runs: readable by its owner only, whatever the file was before. */
export function readSavedRefreshToken(file: string | undefined): string | undefined {
  return file && existsSync(file) ? readFileSync(file, 'utf8').trim() || undefined : undefined;
}

export function saveRefreshToken(file: string, token: string): void {
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}
