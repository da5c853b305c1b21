import * as openpgp from 'openpgp';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decryptBytes, readPrivateKey } from '../crypto';
import type { SealInput } from '../server/mail/seal';
import { createSealPool, type SealPool } from './seal-pool';

/** The seal pool on real worker threads: where a message is sealed, and that failures fail closed. */
let publicKey: string;
let privateKey: string;
beforeAll(async () => {
  ({ publicKey, privateKey } = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ email: 'pool@localhost' }] }));
});

const auth = { spf: 'none', dkim: 'none', dmarc: 'none', arc: 'none' } as const;
const input = (bytes: number, keys = [publicKey]): SealInput => ({
  raw: Buffer.from(`Subject: pool\r\n\r\n${'z'.repeat(bytes)}\r\n`),
  authHeader: Buffer.from('Authentication-Results: localhost; none\r\n'),
  auth,
  envelopeFrom: 'a@example.org',
  publicKeys: keys,
});

let pool: SealPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

describe('the seal pool', () => {
  it('seals small messages inline and large ones in a thread, both decrypting to the stored bytes', async () => {
    pool = createSealPool({ threads: 1, inlineMaxBytes: 1024 });
    const key = await readPrivateKey(privateKey);
    for (const [bytes, threadJobs] of [
      [100, 0],
      [100_000, 1],
    ] as const) {
      const job = input(bytes);
      const outcome = await pool.seal(job);
      expect(pool.offThreadJobs).toBe(threadJobs);
      if (outcome.status !== 'sealed') throw new Error(`not sealed: ${JSON.stringify(outcome)}`);
      const raw = await decryptBytes(outcome.copies[0]!.raw, key);
      const summary = await decryptBytes(outcome.copies[0]!.summary, key);
      expect(raw.status === 'ok' && Buffer.from(raw.data).equals(Buffer.concat([job.authHeader, job.raw]))).toBe(true);
      expect(summary.status === 'ok' && JSON.parse(Buffer.from(summary.data).toString('utf8')).subject).toBe('pool');
    }
  });

  it('fails closed on a key that cannot encrypt, in a thread as inline', async () => {
    pool = createSealPool({ threads: 1, inlineMaxBytes: 1024 });
    for (const bytes of [100, 100_000]) {
      expect((await pool.seal(input(bytes, ['not a key']))).status).toBe('encryption-failed');
    }
  });

  it('fails a job that overruns closed, and terminates its thread', async () => {
    pool = createSealPool({ threads: 1, inlineMaxBytes: 0, jobTimeoutMs: 1 });
    expect(await pool.seal(input(5_000_000))).toEqual({ status: 'encryption-failed', errorName: 'SealTimeout' });
  });

  it('answers queued jobs when it closes', async () => {
    pool = createSealPool({ threads: 1, inlineMaxBytes: 0 });
    const jobs = [pool.seal(input(1_000)), pool.seal(input(1_000))];
    await pool.close();
    for (const outcome of await Promise.all(jobs)) expect(outcome).toEqual({ status: 'encryption-failed', errorName: 'SealPoolClosed' });
  });
});
