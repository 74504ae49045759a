import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveClioConfig, timeQuantityToHours, CLIO_REGIONS } from '../../../scripts/src/sources/clio-api/config';
import { LexError } from '../../../scripts/src/errors';

const creds = { LEXBRIDGE_CLIO_CLIENT_ID: 'id', LEXBRIDGE_CLIO_CLIENT_SECRET: 'secret', LEXBRIDGE_CLIO_REFRESH_TOKEN: 'refresh' };

describe('resolveClioConfig', () => {
  it.each(Object.entries(CLIO_REGIONS))('region %s → %s', (region, host) => {
    expect(resolveClioConfig({ from: region }, creds).baseUrl).toBe(host);
  });

  it('takes a base URL as is, with or without /api/v4', () => {
    expect(resolveClioConfig({ from: 'https://eu.app.clio.com/api/v4' }, creds).baseUrl).toBe('https://eu.app.clio.com');
    expect(resolveClioConfig({ from: 'http://127.0.0.1:8411' }, creds).baseUrl).toBe('http://127.0.0.1:8411');
  });

  it('never falls back to the fixture server\'s development client, not even on 127.0.0.1', () => {
    expect(() => resolveClioConfig({ from: 'http://127.0.0.1:8411' }, {})).toThrow(expect.objectContaining({ code: 'LEX_SOURCE_CLIO_NO_CREDENTIALS' }));
  });

  it('pins API version 4.0.9 and the documented 50 requests per minute by default', () => {
    const config = resolveClioConfig({ from: 'us' }, creds);
    expect(config.apiVersion).toBe('4.0.9');
    expect(config.rateLimit).toEqual({ requests: 50, windowMs: 60_000 });
    expect(resolveClioConfig({ from: 'us' }, { ...creds, LEXBRIDGE_CLIO_RATE: '50/2s' }).rateLimit).toEqual({ requests: 50, windowMs: 2000 });
  });

  it('needs credentials for a real Clio host, and says how to give them', () => {
    expect(() => resolveClioConfig({ from: 'us' }, {})).toThrow(LexError);
    try {
      resolveClioConfig({ from: 'us' }, {});
    } catch (error) {
      expect((error as LexError).fix).toContain('LEXBRIDGE_CLIO_CLIENT_ID');
    }
  });
});

describe('token file', () => {
  it('prefers the refresh token saved in the token file and saves new ones there (0600)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'clio-token-'));
    const tokenFile = path.join(dir, 'token');
    writeFileSync(tokenFile, 'saved-token\n');
    const config = resolveClioConfig({ from: 'us', config: { tokenFile } }, creds);
    expect(config.refreshToken).toBe('saved-token');
    config.onRefreshToken!('newer-token');
    expect(readFileSync(tokenFile, 'utf8').trim()).toBe('newer-token');
    expect((statSync(tokenFile).mode & 0o777).toString(8)).toBe('600');
  });
});

describe('timeQuantityToHours', () => {
  it('reads seconds from 4.0.4 on and hours before', () => {
    expect(timeQuantityToHours(5400, '4.0.9')).toBe(1.5);
    expect(timeQuantityToHours(5400, '4.0.4')).toBe(1.5);
    expect(timeQuantityToHours(1.5, '4.0.3')).toBe(1.5);
    expect(timeQuantityToHours(1.5, '4.0.0')).toBe(1.5);
  });
});
