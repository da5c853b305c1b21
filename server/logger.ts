import 'server-only';
import pino from 'pino';

/**
 * JSON logs. Message content and key material are never logged: log ids, sizes and codes only.
 * The redact list is a second line of defence for fields that must never appear.
 */
export const logger = pino({
  level: process.env.LOG_LEVEL ?? 'info',
  base: { role: process.env.SEALPOST_ROLE ?? 'main' },
  redact: {
    paths: ['password', 'authKey', '*.authKey', 'privateKey', '*.privateKey', 'phrase', 'req.headers.cookie'],
    censor: '[redacted]',
  },
});

export type Logger = typeof logger;
