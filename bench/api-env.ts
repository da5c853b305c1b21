import { randomBytes } from 'node:crypto';

// Imported first by bench/api.ts: modules it loads read the environment once, at import.
process.env.MAIL_DOMAIN = 'localhost';
process.env.SECRET_KEY ??= randomBytes(32).toString('base64');
process.env.LOG_LEVEL ??= 'warn';
