import 'server-only';
import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { PassThrough, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { sodium } from '../../crypto/sodium';

/**
 * The backup file: one plaintext header line, then a gzip stream of frames, optionally encrypted
 * with a passphrase (Argon2id, then libsodium's secretstream, XChaCha20-Poly1305, in 64 KiB chunks).
 *
 *   SEALPOST-BACKUP 1 {"encryption":null | {"kdf":"argon2id13","salt":…,"opslimit":…,"memlimit":…,"header":…}}\n
 *   frames: 1 byte kind, 4 bytes big-endian length, payload
 *
 * gzip runs at level 1: the bulk is ciphertext, which doesn't compress, and level 6 only made it slower.
 *
 * secretstream authenticates every chunk and marks the last one, so a file that was altered, cut
 * short or decrypted with the wrong passphrase fails loudly instead of restoring part of the data.
 */
const MAGIC = 'SEALPOST-BACKUP 1 ';
const CHUNK = 64 * 1024;
const MAX_FRAME = 64 * 1024 * 1024;

export type FrameKind = 'H' | 'S' | 'T' | 'D' | 'E' | 'Z';

interface Encryption {
  kdf: 'argon2id13';
  salt: string;
  opslimit: number;
  memlimit: number;
  header: string;
}

export class BackupFormatError extends Error {}

async function deriveKey(passphrase: string, salt: Uint8Array, opslimit: number, memlimit: number): Promise<Uint8Array> {
  const s = await sodium();
  return s.crypto_pwhash(s.crypto_secretstream_xchacha20poly1305_KEYBYTES, passphrase, salt, opslimit, memlimit, s.crypto_pwhash_ALG_ARGON2ID13);
}

async function encryptor(passphrase: string): Promise<{ encryption: Encryption; transform: Transform }> {
  const s = await sodium();
  const salt = s.randombytes_buf(s.crypto_pwhash_SALTBYTES);
  const opslimit = s.crypto_pwhash_OPSLIMIT_MODERATE;
  const memlimit = 64 * 1024 * 1024;
  const key = await deriveKey(passphrase, salt, opslimit, memlimit);
  const { state, header } = s.crypto_secretstream_xchacha20poly1305_init_push(key);
  let pending: Buffer[] = [];
  let size = 0;
  const frame = (plain: Uint8Array, tag: number) => {
    const cipher = s.crypto_secretstream_xchacha20poly1305_push(state, plain, null, tag);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(cipher.length);
    return Buffer.concat([length, cipher]);
  };
  const transform = new Transform({
    transform(chunk: Buffer, _enc, callback: TransformCallback) {
      pending.push(chunk);
      size += chunk.length;
      while (size >= CHUNK) {
        const all = Buffer.concat(pending);
        this.push(frame(all.subarray(0, CHUNK), s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE));
        pending = [all.subarray(CHUNK)];
        size = all.length - CHUNK;
      }
      callback();
    },
    flush(callback: TransformCallback) {
      this.push(frame(Buffer.concat(pending), s.crypto_secretstream_xchacha20poly1305_TAG_FINAL));
      callback();
    },
  });
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
  return { encryption: { kdf: 'argon2id13', salt: b64(salt), opslimit, memlimit, header: b64(header) }, transform };
}

async function decryptor(encryption: Encryption, passphrase: string): Promise<Transform> {
  const s = await sodium();
  const key = await deriveKey(passphrase, Buffer.from(encryption.salt, 'base64'), encryption.opslimit, encryption.memlimit);
  const state = s.crypto_secretstream_xchacha20poly1305_init_pull(Buffer.from(encryption.header, 'base64'), key);
  let buffered = Buffer.alloc(0);
  let final = false;
  return new Transform({
    transform(chunk: Buffer, _enc, callback: TransformCallback) {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 4) {
        const length = buffered.readUInt32BE(0);
        if (length > CHUNK + 64) return callback(new BackupFormatError('The backup is damaged (a chunk has an impossible length).'));
        if (buffered.length < 4 + length) break;
        if (final) return callback(new BackupFormatError('The backup has data after its last chunk: it was altered.'));
        const result = s.crypto_secretstream_xchacha20poly1305_pull(state, buffered.subarray(4, 4 + length), null);
        if (!result) return callback(new BackupFormatError('Wrong passphrase, or the backup was altered: it could not be decrypted.'));
        final = result.tag === s.crypto_secretstream_xchacha20poly1305_TAG_FINAL;
        this.push(Buffer.from(result.message));
        buffered = buffered.subarray(4 + length);
      }
      callback();
    },
    flush(callback: TransformCallback) {
      callback(final && buffered.length === 0 ? null : new BackupFormatError('The backup is cut short: its last chunk is missing.'));
    },
  });
}

export interface ArchiveWriter {
  frame(kind: FrameKind, payload: Buffer | object): Promise<void>;
  /** Bytes written to the file so far. */
  readonly bytes: number;
  close(): Promise<void>;
  /** Stops writing after a failure; the caller removes the file. */
  abort(err: Error): Promise<void>;
}

export async function createArchive(file: string, passphrase?: string): Promise<ArchiveWriter> {
  const output = createWriteStream(file, { mode: 0o600, flags: 'wx' });
  await new Promise<void>((resolve, reject) => output.once('open', () => resolve()).once('error', reject));
  const encrypted = passphrase ? await encryptor(passphrase) : undefined;
  output.write(`${MAGIC}${JSON.stringify({ encryption: encrypted?.encryption ?? null })}\n`);
  const input = new PassThrough();
  const done = pipeline([input, createGzip({ level: 1 }), ...(encrypted ? [encrypted.transform] : []), output]);
  let failed: unknown;
  done.catch((err: unknown) => (failed = err));
  return {
    async frame(kind, payload) {
      if (failed) throw failed;
      const body = Buffer.isBuffer(payload) ? payload : Buffer.from(JSON.stringify(payload));
      const head = Buffer.alloc(5);
      head.write(kind, 0, 'latin1');
      head.writeUInt32BE(body.length, 1);
      input.write(head);
      if (!input.write(body)) await new Promise<void>((resolve) => input.once('drain', resolve));
    },
    get bytes() {
      return output.bytesWritten;
    },
    async close() {
      input.end();
      await done;
    },
    async abort(err) {
      input.destroy(err);
      await done.catch(() => undefined);
    },
  };
}

export interface BackupHeader {
  encrypted: boolean;
}

/** The file's plaintext header: whether it needs a passphrase. */
export async function readBackupHeader(file: string): Promise<BackupHeader & { encryption: Encryption | null; offset: number }> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, bytesRead).toString('latin1');
    const end = text.indexOf('\n');
    if (!text.startsWith(MAGIC) || end < 0) throw new BackupFormatError(`${file} is not a Sealpost backup.`);
    const { encryption } = JSON.parse(text.slice(MAGIC.length, end)) as { encryption: Encryption | null };
    return { encrypted: Boolean(encryption), encryption, offset: end + 1 };
  } finally {
    await handle.close();
  }
}

export interface Frame {
  kind: FrameKind;
  payload: Buffer;
}

/** The frames of a backup, in order; throws BackupFormatError on a wrong passphrase or a damaged file. */
export async function* readArchive(file: string, passphrase?: string): AsyncGenerator<Frame> {
  const header = await readBackupHeader(file);
  if (header.encryption && !passphrase) throw new BackupFormatError('This backup is encrypted: a passphrase is needed.');
  const source = createReadStream(file, { start: header.offset });
  const gunzip = createGunzip();
  const stages = header.encryption ? [source, await decryptor(header.encryption, passphrase!), gunzip] : [source, gunzip];
  const plumbing = pipeline(stages).catch((err: unknown) => {
    gunzip.destroy(err instanceof Error ? err : new Error(String(err)));
  });
  let buffered: Buffer = Buffer.alloc(0);
  try {
    for await (const chunk of gunzip) {
      buffered = buffered.length ? Buffer.concat([buffered, chunk as Buffer]) : (chunk as Buffer);
      while (buffered.length >= 5) {
        const length = buffered.readUInt32BE(1);
        if (length > MAX_FRAME) throw new BackupFormatError('The backup is damaged (a frame has an impossible length).');
        if (buffered.length < 5 + length) break;
        yield { kind: buffered.subarray(0, 1).toString('latin1') as FrameKind, payload: buffered.subarray(5, 5 + length) };
        buffered = buffered.subarray(5 + length);
      }
    }
  } catch (err) {
    if (err instanceof BackupFormatError) throw err;
    const code = (err as { code?: string }).code;
    if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR')
      throw new BackupFormatError('The backup is damaged or cut short (its compressed data does not decode).');
    throw err;
  } finally {
    await plumbing;
  }
  if (buffered.length) throw new BackupFormatError('The backup is cut short (a frame is incomplete).');
}
