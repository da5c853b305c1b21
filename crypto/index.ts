/**
 * The crypto facade. Application code imports from here, never from openpgp or libsodium directly.
 * Runs in the browser (inside the key Worker) and in Node (CLI, SMTP sidecar): no node:* imports.
 */
export * from './account';
export { DEFAULT_KDF, MIN_KDF, MAX_KDF, assertKdfParams, type KdfParams } from './kdf';
export { purposes, wrap, unwrap } from './wrap';
export { encryptBytes, decryptBytes, readPrivateKey, fingerprintOf, withUserIds, type DecryptResult, type PrivateKeyHandle } from './pgp';
export { encryptBytesSharingKey } from './shared-session';
export { toBase64, fromBase64, utf8, fromUtf8, randomBytes } from './encoding';
export { normalizePhrase, phraseToEntropy } from './recovery';
export { checkEncryptedTo, checkRecipientKey, armorBinaryKey, type EncryptedToResult } from './pkesk';
export { adoptKey, exportProtectedKey, readBroughtKey, MIN_EXPORT_PASSPHRASE, type ExportedKey, type BroughtKey } from './key-export';
export { armorMessage, dearmorMessage, publicKeyOf } from './armor';
export { armorKeyring, prepareKeyImport, readKeyring, type KeyImport } from './keyring';
