import 'server-only';
import { createHmac } from 'node:crypto';
import { EnvError, env } from './env';

/** Purpose-bound keys derived from SECRET_KEY, so one secret never serves two uses directly. */
export function deriveSecret(purpose: string): Buffer {
  const secret = env().SECRET_KEY;
  if (!secret) throw new EnvError('SECRET_KEY is not set (the supervisor generates one under DATA_DIR)');
  return createHmac('sha256', secret).update(`sealpost:${purpose}`).digest();
}

export function keyedHash(purpose: string, data: string): Buffer {
  return createHmac('sha256', deriveSecret(purpose)).update(data).digest();
}
