import 'server-only';
import type { z } from 'zod';
import { fingerprintOf } from '../../crypto/pgp';
import type { Db } from '../../db/client';
import { replaceAccountKey } from '../../db/repositories/account-security.repository';
import { insertAuditEvent } from '../../db/repositories/audit.repository';
import { checkKeyUpdate } from '../addresses/public-key-update';
import { currentPublicKey } from '../addresses/address.service';
import type { Clock } from '../clock';
import type { importKeySchema } from '../auth/account-security.schemas';
import { confirmPassword } from '../auth/account-security.service';
import type { CurrentSession } from '../auth/current-session';
import { hashSecret } from '../auth/secret-hash';

const b64 = (s: string) => Buffer.from(s, 'base64');

/**
 * Bringing an OpenPGP key to an existing account. The browser puts the new key in front of the
 * account's keyring (crypto/keyring.ts) and wraps the whole keyring again, under the same
 * password-derived key and under a new recovery phrase. The server checks the password and the new
 * public key (a different key, able to encrypt, with exactly one user ID per address) and swaps the
 * three in one statement: from then on the MX, WKD and senders on this server use the new key,
 * while mail already stored still opens with the old keys the keyring keeps.
 */
export async function importAccountKey(db: Db, clock: Clock, session: CurrentSession, input: z.infer<typeof importKeySchema>, ip: string | null) {
  // Who holds only a session (a borrowed laptop) must not be able to redirect the mail to a key of theirs.
  await confirmPassword(db, clock, session, input.currentAuthKey, ip);
  const current = await currentPublicKey(db, session.account);
  await checkKeyUpdate(
    current.publicKey,
    input.publicKey,
    current.userIds.map((u) => u.email),
    'replacement',
  );
  await replaceAccountKey(db, session.account.id, {
    public_key: input.publicKey,
    wrapped_key: b64(input.wrappedKey),
    recovery_salt: b64(input.recovery.kdf.salt),
    recovery_auth_hash: await hashSecret(b64(input.recovery.authKey)),
    recovery_wrapped_key: b64(input.recovery.wrappedKey),
  });
  const [fingerprint, previous] = await Promise.all([fingerprintOf(input.publicKey), fingerprintOf(current.publicKey)]);
  // Fingerprints are public (WKD serves the keys); the audit log never holds key material.
  await insertAuditEvent(db, { event: 'key.imported', user_id: session.account.id, ip, details: { fingerprint, previous } });
  return { fingerprint };
}
