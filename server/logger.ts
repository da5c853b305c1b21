import 'server-only';
import pino from 'pino';

/**
 * JSON logs. Message content and key material are never logged: log ids, sizes and codes only.
 * The redact list is a second line of defence for fields that must never appear.
 *
 * The logger reads no environment: each role's entry point calls configureLogger with its parsed
 * LOG_LEVEL and its role name (vitest.setup.ts does the same for tests). Until then it logs at
 * 'info' as role 'main'.
 */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface LoggerSettings {
  level: LogLevel;
  role: string;
}

interface SharedLogger {
  logger: pino.Logger;
  role: string;
}

// One instance per process, kept on globalThis: the web role's route handlers run from Next's
// bundle, which has its own copy of this module, and must log as server/web/main.ts configured.
const KEY = Symbol.for('sealpost.logger');
const holder = globalThis as { [KEY]?: SharedLogger };

function shared(): SharedLogger {
  if (!holder[KEY]) {
    const state: SharedLogger = { role: 'main', logger: undefined as unknown as pino.Logger };
    state.logger = pino({
      level: 'info',
      base: null,
      mixin: () => ({ role: state.role }),
      redact: {
        paths: ['password', 'authKey', '*.authKey', 'privateKey', '*.privateKey', 'phrase', 'req.headers.cookie'],
        censor: '[redacted]',
      },
    });
    holder[KEY] = state;
  }
  return holder[KEY];
}

export const logger: pino.Logger = shared().logger;

/** Sets this process's level and role name; an entry point calls it once, before it logs. */
export function configureLogger(settings: LoggerSettings): void {
  const state = shared();
  state.logger.level = settings.level;
  state.role = settings.role;
}

export type Logger = typeof logger;
