/**
 * Where and as whom the Clio connector connects. Clio's regions are separate instances (an app
 * registered in the US does not work in the EU), so the region picks both the API and OAuth host;
 * any other base URL (a fixture server) is taken as is.
 */
import { LexError } from '../../errors';
import { readSavedRefreshToken, saveRefreshToken } from '../engine/oauth';
import type { ConnectorOptions } from '../contract';
import { parseRate } from '../engine/rate';

export const CLIO_REGIONS = {
  us: 'https://app.clio.com',
  eu: 'https://eu.app.clio.com',
  ca: 'https://ca.app.clio.com',
  au: 'https://au.app.clio.com',
} as const;

/**
 * The minor version every request pins (`X-API-VERSION`). It decides units: from 4.0.4 on a
 * time entry's `quantity` is seconds, before it was hours (spec changelog).
 */
export const CLIO_API_VERSION = '4.0.9';

export interface ClioApiConfig {
  /** Host root: `https://app.clio.com` or a fixture server; the API is under `/api/v4`. */
  baseUrl: string;
  apiVersion: string;
  clientId: string;
  clientSecret: string;
  refreshToken?: string;
  authorizationCode?: string;
  redirectUri?: string;
  /** Records per page (Clio's cap: 200). */
  pageSize: number;
  /** Documented default: 50 requests per minute per token at peak; the headers correct it. */
  rateLimit: { requests: number; windowMs: number };
  onRefreshToken?: (token: string) => void;
}

const isLoopback = (url: URL) => url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';

export function resolveClioConfig(options: ConnectorOptions, env: NodeJS.ProcessEnv = process.env): ClioApiConfig {
  const config = options.config ?? {};
  const str = (key: string, envKey: string): string | undefined => {
    const value = config[key] ?? env[envKey];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const from = options.from.trim();
  const regional = CLIO_REGIONS[from.toLowerCase() as keyof typeof CLIO_REGIONS];
  let base: URL;
  try {
    base = new URL(regional ?? (/^https?:\/\//.test(from) ? from : `https://${from}`));
  } catch (cause) {
    throw new LexError({
      code: 'LEX_SOURCE_CLIO_BAD_URL',
      message: `"${from}" is neither a Clio region nor a URL`,
      fix: `Use --from with a region (${Object.keys(CLIO_REGIONS).join(', ')}) or a base URL such as https://eu.app.clio.com.`,
      location: { field: 'from' },
      cause,
    });
  }
  // Credentials only ever come from the config or the environment: never a built-in (test) client.
  const clientId = str('clientId', 'LEXBRIDGE_CLIO_CLIENT_ID');
  const clientSecret = str('clientSecret', 'LEXBRIDGE_CLIO_CLIENT_SECRET');
  const authorizationCode = str('authorizationCode', 'LEXBRIDGE_CLIO_AUTH_CODE');
  // With a token file the newest refresh token is kept between runs (and wins over the configured one).
  const tokenFile = str('tokenFile', 'LEXBRIDGE_CLIO_TOKEN_FILE');
  const savedToken = readSavedRefreshToken(tokenFile);
  const refreshToken = savedToken ?? str('refreshToken', 'LEXBRIDGE_CLIO_REFRESH_TOKEN');
  if (!clientId || !clientSecret) {
    throw new LexError({
      code: 'LEX_SOURCE_CLIO_NO_CREDENTIALS',
      message: 'the Clio app client id and secret are not configured',
      fix: `Set LEXBRIDGE_CLIO_CLIENT_ID and LEXBRIDGE_CLIO_CLIENT_SECRET (and LEXBRIDGE_CLIO_REFRESH_TOKEN) or put them in the source config file${isLoopback(base) ? '; for a Lexbridge fixture server, add --fixture-credentials' : ''}.`,
      location: { field: 'clientId' },
    });
  }
  // `rateLimit` in the config ({ requests, windowMs }) or the env as `50/min`
  const envRate = env.LEXBRIDGE_CLIO_RATE ? parseRate(env.LEXBRIDGE_CLIO_RATE) : undefined;
  const rate = (config.rateLimit as { requests?: number; windowMs?: number } | undefined) ?? (envRate && { requests: envRate.limit, windowMs: envRate.windowMs });
  return {
    baseUrl: base.origin + base.pathname.replace(/\/(api\/v4\/?)?$/, ''),
    apiVersion: str('apiVersion', 'LEXBRIDGE_CLIO_API_VERSION') ?? CLIO_API_VERSION,
    clientId,
    clientSecret,
    refreshToken,
    authorizationCode,
    redirectUri: str('redirectUri', 'LEXBRIDGE_CLIO_REDIRECT_URI'),
    pageSize: Math.min(200, Number(config.pageSize ?? 200)),
    rateLimit: { requests: rate?.requests ?? 50, windowMs: rate?.windowMs ?? 60_000 },
    onRefreshToken:
      (config.onRefreshToken as ClioApiConfig['onRefreshToken']) ??
      (tokenFile ? (token: string) => saveRefreshToken(tokenFile, token) : undefined),
  };
}

/** From 4.0.4 on, a TimeEntry's quantity is seconds (spec: "Version <= 4.0.3: hours"). */
export function timeQuantityToHours(quantity: number, apiVersion: string): number {
  const [major, minor, patch] = apiVersion.split('.').map(Number);
  const seconds = major! > 4 || minor! > 0 || patch! >= 4;
  return seconds ? quantity / 3600 : quantity;
}
