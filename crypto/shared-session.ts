import * as openpgp from 'openpgp';
import { concatBytes } from './encoding';
import { readPublicKey } from './pgp';

/**
 * Encrypts several byte strings to the same public keys under ONE session key: each result is a
 * complete, standard OpenPGP message (the same public-key packets, then its own encrypted data
 * packet), so every reader decrypts it with decryptBytes or gpg as usual.
 *
 * Why: the public-key step (an X25519 exchange and a key wrap per recipient key) costs more than
 * encrypting a whole 20 KB message, and the SMTP sidecar stores two messages per recipient (the raw
 * mail and its summary). Sharing the session key halves that cost.
 *
 * The price: whoever learns one part's session key can read all the parts. Use it only for parts
 * that belong together and go to exactly the same keys.
 */
export async function encryptBytesSharingKey(parts: Uint8Array[], publicKeysArmored: string[]): Promise<Uint8Array[]> {
  const encryptionKeys = await Promise.all(publicKeysArmored.map(readPublicKey));
  const sessionKey = await openpgp.generateSessionKey({ encryptionKeys });
  const keyPackets = (await openpgp.encryptSessionKey({ ...sessionKey, encryptionKeys, format: 'binary' })) as Uint8Array;
  return Promise.all(
    parts.map(async (data) => {
      const message = await openpgp.createMessage({ binary: data, format: 'binary' });
      // With a session key and no keys, openpgp writes only the encrypted data packet.
      const dataPacket = (await openpgp.encrypt({ message, sessionKey, format: 'binary' })) as Uint8Array;
      return concatBytes(keyPackets, dataPacket);
    }),
  );
}
