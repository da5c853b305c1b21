import { readSingleKey } from '../../crypto/single-key';
import { AppError } from '../errors';

/**
 * A key a client uploads as its public key must be exactly that: public packets only (it is served
 * by WKD), a single key (a second one in the block would be stored and served with it), one valid
 * self-signed user ID for the account's address, and a usable encryption subkey.
 */
export async function assertAccountPublicKey(armored: string, address: string): Promise<void> {
  const key = await readSingleKey(armored);
  if (!key) throw new AppError('BAD_INPUT', 'The public key could not be read, or the block holds more than one key.');
  if (key.isPrivate()) throw new AppError('BAD_INPUT', 'Upload only the public key.');
  const emails = key.users.map((u) => u.userID?.email.toLowerCase());
  if (emails.length !== 1 || emails[0] !== address.toLowerCase()) {
    throw new AppError('BAD_INPUT', `The key must carry exactly one user ID, for ${address}.`);
  }
  try {
    await key.users[0]!.verify();
    await key.getEncryptionKey();
  } catch {
    throw new AppError('BAD_INPUT', 'The key has no valid self-signature or no encryption subkey.');
  }
}
