import { readSingleKey } from '../../crypto/single-key';
import { AppError } from '../errors';

/**
 * The browser re-signs the user's key with one user ID per address and uploads the public half.
 * Accept it only if it is the same key (fingerprint), every user ID is validly self-signed, and the
 * user IDs are exactly the addresses the server expects: no more, no less.
 */
export async function checkKeyUpdate(
  currentArmored: string,
  nextArmored: string,
  expectedEmails: string[],
  /** `replacement`: a new primary key (server/auth/key-import.service.ts), which must differ and encrypt. */
  kind: 'same-key' | 'replacement' = 'same-key',
): Promise<void> {
  const [current, next] = await Promise.all([readSingleKey(currentArmored), readSingleKey(nextArmored)]);
  if (!current || !next) throw new AppError('BAD_INPUT', 'The updated public key could not be read, or the block holds more than one key.');
  if (next.isPrivate()) throw new AppError('BAD_INPUT', 'Upload only the public key.');
  const same = next.getFingerprint() === current.getFingerprint();
  if (kind === 'same-key' && !same) throw new AppError('BAD_INPUT', 'The updated key is not your key.');
  if (kind === 'replacement' && same) throw new AppError('BAD_INPUT', 'That key is already your key.');
  if (kind === 'replacement')
    await next.getEncryptionKey().catch(() => Promise.reject(new AppError('BAD_INPUT', 'The new key has no subkey that can encrypt.')));
  const emails: string[] = [];
  for (const user of next.users) {
    if (!user.userID) throw new AppError('BAD_INPUT', 'The updated key carries an attribute packet Sealpost does not accept.');
    try {
      await user.verify();
    } catch {
      throw new AppError('BAD_INPUT', `The user ID ${user.userID.userID} is not validly signed.`);
    }
    emails.push(user.userID.email.toLowerCase());
  }
  const want = [...new Set(expectedEmails.map((e) => e.toLowerCase()))].sort();
  if (JSON.stringify([...new Set(emails)].sort()) !== JSON.stringify(want)) {
    throw new AppError('BAD_INPUT', 'The updated key must carry exactly one user ID per address.');
  }
}
