import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestUser, type TestUser } from '../testing/factories';
import { useTestDb } from '../testing/db';
import { decryptStored, queuedId, type Sidecar, startSidecar } from '../testing/smtp-harness';
import { sendTransaction } from '../testing/smtp-raw-client';
import { dumpAllTables } from '../testing/dump';

/**
 * The threat model in one test: a unique string travels in every part of a message, and afterwards
 * it must not be found anywhere the server keeps things: no table, no file of the database cluster
 * (WAL included), no log line. Positive controls prove each scanner finds what IS stored in
 * plaintext, so a broken scanner can't pass silently.
 */
const db = useTestDb();
let sidecar: Sidecar;
let user: TestUser;

beforeAll(async () => {
  sidecar = await startSidecar(db);
  user = await createTestUser(db);
});
afterAll(() => sidecar?.close());

function* filesUnder(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(full);
    else if (entry.isFile()) yield full;
  }
}

/** The cluster files (relative paths) that contain any of the needles. */
function filesContaining(root: string, needles: Buffer[]): string[] {
  const hits: string[] = [];
  for (const file of filesUnder(root)) {
    if (statSync(file).size === 0) continue;
    const content = readFileSync(file);
    if (needles.some((needle) => content.includes(needle))) hits.push(path.relative(root, file));
  }
  return hits;
}

describe('plaintext at rest', () => {
  it('leaves no trace of a message anywhere: tables, cluster files, WAL, logs', async () => {
    const canary = `canary${randomBytes(12).toString('hex')}`;
    const message = Buffer.from(
      [
        `From: "Sender ${canary}" <sender@origin.example>`,
        `To: <${user.username}@localhost>`,
        `Subject: Report ${canary}`,
        `X-Tracking: ${canary}`,
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain',
        '',
        `The body mentions ${canary} too.`,
        '--b',
        `Content-Type: text/plain; name="${canary}.txt"`,
        `Content-Disposition: attachment; filename="${canary}.txt"`,
        '',
        'attachment content',
        '--b--',
        '',
      ].join('\r\n'),
    );
    const client = await sidecar.connectEhlo();
    const tx = await sendTransaction(client, { from: 'sender@origin.example', to: [`${user.username}@localhost`] }, message);
    client.close();
    const id = queuedId(tx.final);

    // Decrypting gives the message back, canary and all.
    const stored = await decryptStored(db, user, id);
    expect(stored.raw.subarray(stored.raw.length - message.length).equals(message)).toBe(true);
    expect(stored.summary.subject).toBe(`Report ${canary}`);
    expect(stored.summary.attachments[0]?.filename).toBe(`${canary}.txt`);

    const needles = [Buffer.from(canary, 'utf8'), Buffer.from(Buffer.from(canary, 'utf8').toString('hex'), 'utf8')];

    // 1. Every table, found through information_schema so tables added later are covered too.
    const dump = await dumpAllTables(inject('databaseUrl'));
    expect(dump.tables).toEqual(expect.arrayContaining(['users', 'messages']));
    expect(dump.text).toContain(user.username); // control: the scanner sees plaintext columns
    expect(dump.text).toContain(id);
    for (const needle of needles) expect(dump.text).not.toContain(needle.toString('utf8'));

    // 2. Every file of the cluster, after a checkpoint has written the buffers out.
    await sql`CHECKPOINT`.execute(db);
    const clusterDir = path.join(inject('testDataDir'), 'postgres');
    const controlHits = filesContaining(clusterDir, [Buffer.from(user.username, 'utf8')]);
    expect(controlHits.some((file) => file.startsWith('pg_wal'))).toBe(true);
    expect(controlHits.some((file) => file.startsWith('base'))).toBe(true);
    expect(filesContaining(clusterDir, needles)).toEqual([]);

    // 3. Every log line the sidecar wrote.
    const logged = sidecar.logs.join('\n');
    expect(logged).toContain(id); // control: the log was captured
    for (const needle of needles) expect(logged).not.toContain(needle.toString('utf8'));
    expect(logged).not.toContain(user.username);
    expect(logged).not.toContain('origin.example');
  });
});
