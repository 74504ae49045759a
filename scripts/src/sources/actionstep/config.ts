/**
 * Where the Actionstep connector authorises. The token endpoint is fixed per environment
 * (api.actionstep.com, or staging); the API itself is per org and comes from the token
 * response's `api_endpoint`, so nothing else is configured.
 */
import { LexError } from '../../errors';
import { readSavedRefreshToken, saveRefreshToken } from '../engine/oauth';
import type { ConnectorOptions } from '../contract';
import { parseRate } from '../engine/rate';

export const ACTIONSTEP_HOSTS = {
  production: 'https://api.actionstep.com',
  staging: 'https://api.actionstepstaging.com',
} as const;

export interface ActionstepConfig {
  /** Host of the token endpoint (`/api/oauth/token`). */
  authBaseUrl: string;
  clientId: string;
  clientSecret: string;
  refreshToken?: string;
  authorizationCode?: string;
  redirectUri?: string;
  /** Records per page; Actionstep caps at 200. */
  pageSize: number;
  /** Actionstep publishes no numbers (rate limiting since April 2024); a cautious default. */
  rateLimit: { requests: number; windowMs: number };
  /** Name of the participant type that marks the firm's users. */
  staffParticipantType: string;
  onRefreshToken?: (token: string) => void;
}

export function resolveActionstepConfig(options: ConnectorOptions, env: NodeJS.ProcessEnv = process.env): ActionstepConfig {
  const config = options.config ?? {};
  const str = (key: string, envKey: string): string | undefined => {
    const value = config[key] ?? env[envKey];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const from = options.from.trim();
  const named = ACTIONSTEP_HOSTS[from.toLowerCase() as keyof typeof ACTIONSTEP_HOSTS];
  let base: URL;
  try {
    base = new URL(named ?? from);
  } catch (cause) {
    throw new LexError({
      code: 'LEX_SOURCE_ACTIONSTEP_BAD_URL',
      message: `"${from}" is neither an Actionstep environment nor a URL`,
      fix: `Use --from with ${Object.keys(ACTIONSTEP_HOSTS).join(' or ')}, or the token host's URL.`,
      location: { field: 'from' },
      cause,
    });
  }
  // Credentials only ever come from the config or the environment: never a built-in (test) client.
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(base.hostname);
  const clientId = str('clientId', 'LEXBRIDGE_ACTIONSTEP_CLIENT_ID');
  const clientSecret = str('clientSecret', 'LEXBRIDGE_ACTIONSTEP_CLIENT_SECRET');
  const authorizationCode = str('authorizationCode', 'LEXBRIDGE_ACTIONSTEP_AUTH_CODE');
  if (!clientId || !clientSecret) {
    throw new LexError({
      code: 'LEX_SOURCE_ACTIONSTEP_NO_CREDENTIALS',
      message: 'the Actionstep app client id and secret are not configured',
      fix: `Set LEXBRIDGE_ACTIONSTEP_CLIENT_ID and LEXBRIDGE_ACTIONSTEP_CLIENT_SECRET (and LEXBRIDGE_ACTIONSTEP_REFRESH_TOKEN) or put them in the source config file${loopback ? '; for a Lexbridge fixture server, add --fixture-credentials' : ''}.`,
      location: { field: 'clientId' },
    });
  }
  // Actionstep issues a new refresh token with every access token and the old one stops working:
  // with a token file the newest is kept between runs (it wins over the configured one).
  const tokenFile = str('tokenFile', 'LEXBRIDGE_ACTIONSTEP_TOKEN_FILE');
  const savedToken = readSavedRefreshToken(tokenFile);
  // `rateLimit` in the config ({ requests, windowMs }) or the env as `50/min`
  const envRate = env.LEXBRIDGE_ACTIONSTEP_RATE ? parseRate(env.LEXBRIDGE_ACTIONSTEP_RATE) : undefined;
  const rate = (config.rateLimit as { requests?: number; windowMs?: number } | undefined) ?? (envRate && { requests: envRate.limit, windowMs: envRate.windowMs });
  return {
    authBaseUrl: base.origin,
    clientId,
    clientSecret,
    refreshToken: savedToken ?? str('refreshToken', 'LEXBRIDGE_ACTIONSTEP_REFRESH_TOKEN'),
    authorizationCode,
    redirectUri: str('redirectUri', 'LEXBRIDGE_ACTIONSTEP_REDIRECT_URI'),
    pageSize: Math.min(200, Number(config.pageSize ?? 200)),
    rateLimit: { requests: rate?.requests ?? 60, windowMs: rate?.windowMs ?? 60_000 },
    staffParticipantType: str('staffParticipantType', 'LEXBRIDGE_ACTIONSTEP_STAFF_TYPE') ?? 'Staff',
    onRefreshToken:
      (config.onRefreshToken as ActionstepConfig['onRefreshToken']) ??
      (tokenFile ? (token: string) => saveRefreshToken(tokenFile, token) : undefined),
  };
}
