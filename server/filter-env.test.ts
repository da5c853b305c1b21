import { describe, expect, it } from 'vitest';
import { EnvError, filterSettingsFrom, parseEnv } from './env';

describe('filter plugin settings', () => {
  it('no plugins by default; PLUGINS keeps its order, with each plugin’s own settings and policies', () => {
    expect(parseEnv({}).PLUGINS).toEqual([]);
    const settings = filterSettingsFrom(
      parseEnv({
        PLUGINS: 'clamav, DMARC,rspamd',
        RSPAMD_URL: 'http://127.0.0.1:11333',
        CLAMD_HOST: '127.0.0.1',
        RSPAMD_REJECT_SCORE: '20',
        CLAMD_FAILURE: 'pass',
      }),
    );
    expect(settings.plugins).toEqual(['clamav', 'dmarc', 'rspamd']);
    expect(settings.rspamd).toEqual({ url: 'http://127.0.0.1:11333', timeoutMs: 3000, onFailure: 'pass', rejectScore: 20 });
    expect(settings.clamav).toEqual({ address: { host: '127.0.0.1', port: 3310 }, timeoutMs: 5000, onFailure: 'pass' });
    expect(settings.dmarc).toEqual({ timeoutMs: 2000, onFailure: 'tempfail' });
  });

  it.each([
    [{ PLUGINS: 'spamassassin' }, /PLUGINS="spamassassin": expected a comma-separated list of dmarc, rspamd, clamav/],
    [{ PLUGINS: 'dmarc,dmarc' }, /expected each plugin at most once/],
    [{ PLUGINS: 'rspamd' }, /RSPAMD_URL="": PLUGINS includes rspamd: set RSPAMD_URL/],
    [{ PLUGINS: 'clamav' }, /CLAMD_SOCKET="": PLUGINS includes clamav/],
    [{ PLUGINS: 'clamav', CLAMD_SOCKET: '/run/c.sock', CLAMD_HOST: 'h' }, /set CLAMD_SOCKET or CLAMD_HOST, not both/],
    [{ RSPAMD_FAILURE: 'ignore' }, /RSPAMD_FAILURE="ignore"/],
    [{ CLAMD_TIMEOUT_MS: '0' }, /CLAMD_TIMEOUT_MS="0"/],
  ])('start-up names a bad setting: %o', (vars, message) => {
    expect(() => parseEnv(vars)).toThrow(EnvError);
    expect(() => parseEnv(vars)).toThrow(message);
  });
});
