import { afterAll, describe, expect, it } from 'vitest';
import { configureLogger, logger } from './logger';

describe('logger', () => {
  afterAll(() => configureLogger({ level: 'silent', role: 'main' }));

  it('takes its level from the entry point (vitest.setup.ts passes LOG_LEVEL=silent)', () => {
    expect(logger.level).toBe('silent');
  });

  it('changes level when configured, on the one shared instance', async () => {
    configureLogger({ level: 'debug', role: 'worker' });
    expect(logger.level).toBe('debug');
    const again = await import('./logger');
    expect(again.logger).toBe(logger);
    expect(logger.isLevelEnabled('debug')).toBe(true);
    configureLogger({ level: 'warn', role: 'worker' });
    expect(logger.isLevelEnabled('info')).toBe(false);
  });
});
