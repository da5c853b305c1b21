import { createCipheriv, createHash, createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import * as openpgp from 'openpgp';
import { encryptBytesSharingKey } from '../../crypto';
import { readPublicKey } from '../../crypto/pgp';

/**
 * Encrypts the parts of one inbound message (the raw mail and its summary) to one recipient under
 * one session key, as crypto/shared-session.ts does, with the public-key step done by node:crypto.
 *
 * Why: for every message the MX makes one public-key encrypted session key packet (PKESK). With the
 * cv25519 keys Sealpost makes, that is an X25519 exchange, a SHA-256 and an AES key wrap: tens of
 * microseconds in native code. openpgp.js does it through WebCrypto, a dozen asynchronous calls
 * (key generation, two JWK exports, importing the recipient's key again, derive, import, wrap), and
 * checks the key's binding signatures again each time: the largest single cost per message in the
 * profile. Here the recipient's key is read and checked once a minute, and the PKESK is written
 * synchronously, byte for byte what openpgp.js writes (RFC 9580 5.1 and 11.5, the v4 "legacy" ECDH).
 *
 * Keys of any other kind (RSA, NIST curves, v6 keys, a key that prefers AEAD) take openpgp.js's own
 * path. The data packet, likewise, is written here in one pass (seipdV1) rather than through
 * openpgp.js's streams.
 */
interface FastRecipient {
  keyId: Uint8Array;
  publicKey: KeyObject;
  /** RFC 9580 11.5 "Param": curve OID, algorithm, KDF parameters, "Anonymous Sender    ", fingerprint. */
  param: Uint8Array;
  hash: string;
  wrapCipher: string;
  wrapKeyBytes: number;
  /** The session key's algorithm, as the recipient's preferences chose it. */
  sessionAlgorithm: openpgp.enums.symmetricNames;
  sessionAlgorithmId: number;
  sessionKeyBytes: number;
  /** node:crypto's name of the session key's cipher in CFB mode, for the data packet. */
  dataCipher: string;
}

const CHECKED_FOR_MS = 60_000;
const MAX_CACHED = 1000;
const cache = new Map<string, { at: number; recipient: Promise<FastRecipient | null> }>();

const HASHES: Record<number, string> = { 8: 'sha256', 9: 'sha384', 10: 'sha512' };
const AES_KEY_BYTES: Record<number, number> = { 7: 16, 8: 24, 9: 32 };
const RFC3394_IV = Buffer.from('a6a6a6a6a6a6a6a6', 'hex');

export async function encryptPartsTo(parts: Uint8Array[], armoredKey: string): Promise<Uint8Array[]> {
  const recipient = await fastRecipient(armoredKey);
  if (!recipient) return encryptBytesSharingKey(parts, [armoredKey]);
  const sessionKey = random(recipient.sessionKeyBytes);
  const keyPacket = pkesk(recipient, sessionKey);
  return parts.map((data) => concat([keyPacket, ...seipdV1(data, sessionKey, recipient.dataCipher)]));
}

/**
 * Random bytes from a pool refilled 4 KB at a time, as node's randomUUID does: one call into the
 * CSPRNG per ~70 messages instead of three per message. Every byte is handed out once.
 */
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let poolOffset = 0;
function random(bytes: number): Buffer {
  if (poolOffset + bytes > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolOffset = 0;
  }
  const out = Buffer.from(pool.subarray(poolOffset, poolOffset + bytes));
  // Used bytes don't linger in the pool.
  pool.fill(0, poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  return out;
}

function fastRecipient(armoredKey: string): Promise<FastRecipient | null> {
  const now = Date.now();
  const hit = cache.get(armoredKey);
  if (hit && now - hit.at < CHECKED_FOR_MS) return hit.recipient;
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
  const recipient = prepare(armoredKey);
  cache.set(armoredKey, { at: now, recipient });
  // A key that can't be used now is not remembered: the next message asks again (and fails closed).
  recipient.catch(() => cache.delete(armoredKey));
  return recipient;
}

async function prepare(armoredKey: string): Promise<FastRecipient | null> {
  const key = await readPublicKey(armoredKey);
  // Checks expiry, revocation and binding signatures, and throws when no subkey may encrypt.
  const encryptionKey = await key.getEncryptionKey();
  const packet = encryptionKey.keyPacket;
  if (packet.version !== 4 || packet.algorithm !== openpgp.enums.publicKey.ecdh) return null;
  const params = packet.publicParams as unknown as {
    oid: { getName(): string; write(): Uint8Array };
    Q: Uint8Array;
    kdfParams: { hash: number; cipher: number; write(): Uint8Array };
  };
  const hash = HASHES[params.kdfParams.hash];
  const wrapKeyBytes = AES_KEY_BYTES[params.kdfParams.cipher];
  if (params.oid.getName() !== 'curve25519Legacy' || params.Q.length !== 33 || params.Q[0] !== 0x40 || !hash || !wrapKeyBytes) return null;
  const session = await openpgp.generateSessionKey({ encryptionKeys: key });
  const sessionAlgorithmId: number = openpgp.enums.symmetric[session.algorithm];
  const sessionKeyBytes = AES_KEY_BYTES[sessionAlgorithmId];
  if (session.aeadAlgorithm || !sessionKeyBytes) return null;
  return {
    keyId: Buffer.from(packet.getKeyID().toHex(), 'hex'),
    publicKey: createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(params.Q.subarray(1)).toString('base64url') }, format: 'jwk' }),
    param: concat([
      params.oid.write(),
      [openpgp.enums.publicKey.ecdh],
      params.kdfParams.write(),
      Buffer.from('Anonymous Sender    ', 'latin1'),
      packet.getFingerprintBytes()!,
    ]),
    hash,
    wrapCipher: `id-aes${wrapKeyBytes * 8}-wrap`,
    wrapKeyBytes,
    sessionAlgorithm: session.algorithm,
    sessionAlgorithmId,
    sessionKeyBytes,
    dataCipher: `aes-${sessionKeyBytes * 8}-cfb`,
  };
}

/** A v3 PKESK packet (tag 1) for an ECDH cv25519 key: RFC 9580 5.1.4 and 11.5. */
function pkesk(recipient: FastRecipient, sessionKey: Buffer): Uint8Array {
  const ephemeral = generateKeyPairSync('x25519');
  const shared = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: recipient.publicKey });
  const ephemeralPublic = Buffer.from(ephemeral.publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const kek = createHash(recipient.hash)
    .update(Buffer.from([0, 0, 0, 1]))
    .update(shared)
    .update(recipient.param)
    .digest()
    .subarray(0, recipient.wrapKeyBytes);

  let checksum = 0;
  for (const byte of sessionKey) checksum = (checksum + byte) & 0xffff;
  const plain = concat([[recipient.sessionAlgorithmId], sessionKey, [checksum >> 8, checksum & 0xff]]);
  // PKCS#5 padding to a multiple of 8, always at least one byte.
  const pad = 8 - (plain.length % 8);
  const padded = concat([plain, new Uint8Array(pad).fill(pad)]);
  const wrapper = createCipheriv(recipient.wrapCipher, kek, RFC3394_IV);
  const wrapped = Buffer.concat([wrapper.update(padded), wrapper.final()]);

  const body = concat([
    [3],
    recipient.keyId,
    [openpgp.enums.publicKey.ecdh],
    // MPI of the ephemeral point 0x40 || u: 33 bytes whose first bit set is 0x40's, so 263 bits.
    [0x01, 0x07, 0x40],
    ephemeralPublic,
    [wrapped.length],
    wrapped,
  ]);
  return concat([packetHeader(openpgp.enums.packet.publicKeyEncryptedSessionKey, body.length), body]);
}

/**
 * A v1 symmetrically encrypted integrity protected data packet (tag 18, RFC 9580 5.13.1) holding
 * one binary literal data packet (tag 11, no file name, dated now): the block-size random prefix
 * with its last two octets repeated, the literal packet and the MDC packet (0xD3 0x14 and the
 * SHA-1 of all that came before it), encrypted in CFB mode with a zero IV. What openpgp.encrypt
 * writes for the same session key, without its stream machinery.
 */
function seipdV1(data: Uint8Array, sessionKey: Buffer, cipherName: string): Uint8Array[] {
  const seconds = Math.floor(Date.now() / 1000);
  const literalHead = concat([[0x62, 0, seconds >>> 24, (seconds >>> 16) & 0xff, (seconds >>> 8) & 0xff, seconds & 0xff]]);
  const literalHeader = packetHeader(openpgp.enums.packet.literalData, literalHead.length + data.length);
  const block = random(16);
  const prefix = concat([block, block.subarray(14, 16)]);
  const mdcHeader = Buffer.from([0xd3, 0x14]);
  const mdc = createHash('sha1').update(prefix).update(literalHeader).update(literalHead).update(data).update(mdcHeader).digest();
  const cipher = createCipheriv(cipherName, sessionKey, Buffer.alloc(16));
  // CFB is a stream mode: each update returns as many bytes as it was given, and final() none.
  const encrypted = [
    cipher.update(prefix),
    cipher.update(literalHeader),
    cipher.update(literalHead),
    cipher.update(data),
    cipher.update(mdcHeader),
    cipher.update(mdc),
    cipher.final(),
  ];
  const length = encrypted.reduce((sum, part) => sum + part.length, 0);
  // The caller joins the pieces once, after the key packet.
  return [packetHeader(openpgp.enums.packet.symEncryptedIntegrityProtectedData, length + 1), new Uint8Array([1]), ...encrypted];
}

/** A new-format packet header: the tag, then a one-, two- or five-octet length. */
function packetHeader(tag: number, length: number): Uint8Array {
  if (length < 192) return new Uint8Array([0xc0 | tag, length]);
  if (length < 8384) return new Uint8Array([0xc0 | tag, ((length - 192) >> 8) + 192, (length - 192) & 0xff]);
  return new Uint8Array([0xc0 | tag, 0xff, length >>> 24, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff]);
}

function concat(parts: (Uint8Array | number[])[]): Uint8Array {
  const length = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
