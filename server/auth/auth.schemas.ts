import { z } from 'zod';
import { MAX_KDF, MIN_KDF } from '../../crypto/kdf';

/** Wire schemas shared by the tRPC routers, next-auth and the CLI. */
export const usernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(3, 'Use at least 3 characters.')
  .max(32, 'Use at most 32 characters.')
  .regex(/^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/, 'Use letters, digits, dots, dashes or underscores, starting and ending with a letter or digit.');

const base64 = (bytes?: number) =>
  z
    .string()
    .max(1 << 20)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64')
    .refine((s) => bytes === undefined || Buffer.from(s, 'base64').length === bytes, `expected ${bytes} bytes`);

export const kdfSchema = z.object({
  salt: base64(16),
  opslimit: z.number().int().min(MIN_KDF.opslimit).max(MAX_KDF.opslimit),
  memlimit: z.number().int().min(MIN_KDF.memlimit).max(MAX_KDF.memlimit),
});

export const authKeySchema = base64(32);

export const registrationSchema = z.object({
  username: usernameSchema,
  kdf: kdfSchema,
  authKey: authKeySchema,
  publicKey: z
    .string()
    .min(100)
    .max(64 * 1024)
    .startsWith('-----BEGIN PGP PUBLIC KEY BLOCK-----'),
  wrappedKey: base64(),
  recovery: z.object({ kdf: kdfSchema, authKey: authKeySchema, wrappedKey: base64() }),
});

export const recoveryResetSchema = z.object({
  username: usernameSchema,
  recoveryAuthKey: authKeySchema,
  kdf: kdfSchema,
  authKey: authKeySchema,
  wrappedKey: base64(),
});
