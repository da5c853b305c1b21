import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSummary } from '../server/mail/summary-builder';
import { createTestUser, type TestUser } from '../testing/factories';
import { useTestDb } from '../testing/db';
import { decryptStored, queuedId, type Sidecar, startSidecar } from '../testing/smtp-harness';
import { sendTransaction, toCrlf } from '../testing/smtp-raw-client';

/**
 * The shared corpus of real-world and malformed mail, every file of it, through the real sidecar:
 * accepted, stored encrypted, decrypted back byte for byte, summarised (or summarised from the
 * envelope when the MIME can't be read), and never stalling the event loop.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const corpus = process.env.EML_FIXTURES ?? path.resolve(repoRoot, '..', 'shared', 'fixtures', 'eml');

function fixtureFiles(): string[] {
  const files: string[] = [];
  for (const set of readdirSync(corpus, { withFileTypes: true })) {
    if (!set.isDirectory()) continue;
    for (const file of readdirSync(path.join(corpus, set.name))) {
      if (file.endsWith('.eml')) files.push(path.join(set.name, file));
    }
  }
  return files.sort();
}

/**
 * Fixtures that may legitimately be refused, with the documented code and why. Empty: once line
 * endings are normalised the way a sending MTA does, every message in the corpus is fine to take.
 */
const EXPECTED_REFUSALS: Record<string, { code: number; why: string }> = {};

const db = useTestDb();
let sidecar: Sidecar;
let user: TestUser;

beforeAll(async () => {
  expect(existsSync(corpus), `the fixture corpus is missing at ${corpus}`).toBe(true);
  sidecar = await startSidecar(db);
  user = await createTestUser(db);
});
afterAll(() => sidecar?.close());

describe('the e-mail corpus', () => {
  it('has all 107 messages', () => {
    expect(fixtureFiles()).toHaveLength(107);
  });

  it('accepts, stores and decrypts every message back byte for byte, without stalling', async () => {
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const outcomes: { file: string; reply: number; ms: number; parsed?: boolean }[] = [];
    const client = await sidecar.connectEhlo();
    try {
      for (const file of fixtureFiles()) {
        // A sending MTA puts a stored message on the wire with CRLF line endings and dot-stuffing.
        const wire = toCrlf(readFileSync(path.join(corpus, file)));
        const started = performance.now();
        const tx = await sendTransaction(client, { from: 'corpus@fixtures.example', to: [`${user.username}@localhost`] }, wire);
        const ms = performance.now() - started;
        const code = tx.final?.code ?? tx.data.code;
        const refusal = EXPECTED_REFUSALS[file];
        if (refusal) {
          expect(code, `${file}: ${refusal.why}`).toBe(refusal.code);
          outcomes.push({ file, reply: code, ms });
          continue;
        }
        expect(tx.final?.text, file).toMatch(/^250 /);
        const stored = await decryptStored(db, user, queuedId(tx.final));
        const header = stored.raw.subarray(0, stored.raw.length - wire.length).toString('utf8');
        expect(header, file).toMatch(/^Authentication-Results: localhost;\r\n[\s\S]*\r\n$/);
        expect(stored.raw.subarray(stored.raw.length - wire.length).equals(wire), file).toBe(true);
        expect(stored.row.size, file).toBe(wire.length);

        const summary = stored.summary;
        expect(summary.v, file).toBe(1);
        expect(summary.snippet.length, file).toBeLessThanOrEqual(200);
        expect(summary.auth.spf, file).toBe('none');
        if (!summary.parsed) expect(summary.from, file).toEqual([{ name: '', address: 'corpus@fixtures.example' }]);
        outcomes.push({ file, reply: code, ms, parsed: summary.parsed });
      }
    } finally {
      client.close();
      loop.disable();
    }

    expect(outcomes).toHaveLength(107);
    const slowest = Math.max(...outcomes.map((o) => o.ms));
    // Each message is authenticated, parsed, encrypted and committed within this; a stall would not be.
    expect(slowest).toBeLessThan(2_000);
    expect(loop.max / 1e6).toBeLessThan(500);
    // The parser reads most of the corpus; the fallback is for what it can't.
    expect(outcomes.filter((o) => o.parsed).length).toBeGreaterThanOrEqual(100);
  });

  it('summarises every message within its budget, the slowest well under a second', async () => {
    const timings: number[] = [];
    for (const file of fixtureFiles()) {
      const raw = toCrlf(readFileSync(path.join(corpus, file)));
      const started = performance.now();
      const summary = await buildSummary({ raw, auth: { spf: 'none', dkim: 'none', dmarc: 'none', arc: 'none' }, envelopeFrom: 'x@y.example' });
      timings.push(performance.now() - started);
      expect(typeof summary.parsed, file).toBe('boolean');
    }
    expect(Math.max(...timings)).toBeLessThan(1_000);
  });
});
