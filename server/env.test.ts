import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from './env';

describe('parseEnv', () => {
  it('applies the documented defaults', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({ PORT: 3000, DATA_DIR: './data', REGISTRATION: 'open', MAIL_DOMAIN: 'localhost', SMTP_PORT: 2525 });
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it('names each bad variable and what it expects', () => {
    const err = (() => {
      try {
        parseEnv({ PORT: 'eighty', REGISTRATION: 'maybe', DATABASE_URL: 'mysql://x' });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(EnvError);
    const message = (err as Error).message;
    expect(message).toContain('PORT="eighty"');
    expect(message).toContain('REGISTRATION="maybe"');
    expect(message).toMatch(/DATABASE_URL="mysql:\/\/x": expected a postgres:\/\/ URL/);
  });

  it('treats empty strings as unset', () => {
    expect(parseEnv({ DATABASE_URL: '', PORT: '' }).PORT).toBe(3000);
  });

  it('has outbound defaults and checks the relay URL', () => {
    expect(parseEnv({})).toMatchObject({
      UNDO_SEND_SECONDS: 10,
      OUTBOUND_SMTP_PORT: 25,
      SEND_LIMIT_PER_HOUR: 100,
      SEND_LIMIT_PER_DAY: 500,
      OUTBOUND_CONCURRENCY: 32,
      DEAD_LETTER_RETENTION_HOURS: 72,
    });
    expect(parseEnv({}).SMTP_RELAY_URL).toBeUndefined();
    expect(parseEnv({ SMTP_RELAY_URL: 'smtp://user:pass@relay.example:587' }).SMTP_RELAY_URL).toBe('smtp://user:pass@relay.example:587');
    expect(() => parseEnv({ SMTP_RELAY_URL: 'https://relay.example' })).toThrow(/SMTP_RELAY_URL="https:\/\/relay.example": expected smtp:\/\//);
    expect(() => parseEnv({ UNDO_SEND_SECONDS: '-1' })).toThrow(/UNDO_SEND_SECONDS/);
  });
});
