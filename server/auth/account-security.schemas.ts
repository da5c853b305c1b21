import type { AuthenticationExtensionsClientOutputs } from '@simplewebauthn/server';
import { z } from 'zod';
import { authKeySchema, kdfSchema } from './auth.schemas';

/** Wire schemas of the account-security procedures (server/api/routers/security.ts). */
const base64 = z
  .string()
  .max(1 << 20)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64');

export const changePasswordSchema = z.object({
  currentAuthKey: authKeySchema,
  kdf: kdfSchema,
  authKey: authKeySchema,
  wrappedKey: base64,
});

export const newRecoverySchema = z.object({
  currentAuthKey: authKeySchema,
  recovery: z.object({ kdf: kdfSchema, authKey: authKeySchema, wrappedKey: base64 }),
});

/** A key the user brings to an existing account (server/auth/key-import.service.ts). */
export const importKeySchema = z.object({
  currentAuthKey: authKeySchema,
  publicKey: z
    .string()
    .min(100)
    .max(256 * 1024)
    .startsWith('-----BEGIN PGP PUBLIC KEY BLOCK-----'),
  wrappedKey: base64,
  recovery: z.object({ kdf: kdfSchema, authKey: authKeySchema, wrappedKey: base64 }),
});

/** A name people see beside the address: one line, no angle brackets or quotes that would break a From header. */
export const displayNameSchema = z
  .string()
  .trim()
  .max(64, 'Use at most 64 characters.')
  .regex(/^[^<>"\\\p{Cc}]*$/u, 'Leave out < > " \\ and line breaks.')
  .transform((s) => (s === '' ? null : s));

export const totpCodeSchema = z
  .string()
  .max(20)
  .trim()
  .regex(/^\d{6}$/, 'Enter the 6-digit code from your app.');

/** A TOTP code or a recovery code (xxxxx-xxxxx). */
export const secondFactorCodeSchema = z.string().trim().min(6, 'Enter the 6-digit code or a recovery code.').max(20);

// Extension outputs are the browser's; nothing here reads them but the library.
const clientExtensionResults = z.custom<AuthenticationExtensionsClientOutputs>((v) => typeof v === 'object' && v !== null && !Array.isArray(v));

const b64url = z
  .string()
  .max(16 * 1024)
  .regex(/^[A-Za-z0-9_-]*={0,2}$/, 'expected base64url');

export const registrationResponseSchema = z.object({
  id: b64url,
  rawId: b64url,
  type: z.literal('public-key'),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults,
  response: z.object({
    clientDataJSON: b64url,
    attestationObject: b64url,
    authenticatorData: b64url.optional(),
    transports: z.array(z.string().max(32)).max(10).optional(),
    publicKeyAlgorithm: z.number().int().optional(),
    publicKey: b64url.optional(),
  }),
});

export const authenticationResponseSchema = z.object({
  id: b64url,
  rawId: b64url,
  type: z.literal('public-key'),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults,
  response: z.object({
    clientDataJSON: b64url,
    authenticatorData: b64url,
    signature: b64url,
    userHandle: b64url.optional(),
  }),
});

export const passkeyNameSchema = z.string().trim().min(1, 'Name the passkey.').max(64, 'Use at most 64 characters.');
