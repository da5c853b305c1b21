import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../db/client';
import { type EmbeddedCluster, startEmbeddedPostgres } from '../db/embedded';
import { migrateToLatest } from '../db/migrate';
import { countMessages } from '../db/repositories/message.repository';
import { createTestUser, type TestUser } from '../testing/factories';
import { useTestDb } from '../testing/db';
import { type Sidecar, startSidecar } from '../testing/smtp-harness';
import { dataPayload, sendTransaction } from '../testing/smtp-raw-client';

/** Fail closed: no usable key or no database means 451 and nothing stored, never a 250. */
const TEMPORARY = '451 4.3.0 Temporary local problem, please try again later';
const message = Buffer.from('From: Someone <someone@example.org>\r\nSubject: fail closed\r\n\r\nbody\r\n');

async function unusableKey(kind: string): Promise<string> {
  if (kind === 'EXPIRED') {
    const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000);
    const { publicKey } = await openpgp.generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ email: 'old@localhost' }],
      date: tenDaysAgo,
      keyExpirationTime: 86_400,
    });
    return publicKey;
  }
  if (kind === 'SIGN-ONLY') {
    const { publicKey } = await openpgp.generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ email: 'signer@localhost' }],
      subkeys: [],
    });
    return publicKey;
  }
  return kind;
}

describe('a recipient without a usable key', () => {
  const db = useTestDb();
  let sidecar: Sidecar;
  beforeAll(async () => {
    sidecar = await startSidecar(db);
  });
  afterAll(() => sidecar?.close());

  it.each([
    ['no key at all', ''],
    ['a corrupt key', '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBGarbageGarbageGarbage\n-----END PGP PUBLIC KEY BLOCK-----\n'],
    ['an expired key', 'EXPIRED'],
    ['a key that can only sign', 'SIGN-ONLY'],
  ])('%s: 451 4.3.0, nothing stored, nothing leaked', async (_name, key) => {
    const user = await createTestUser(db);
    await db
      .updateTable('users')
      .set({ public_key: await unusableKey(key) })
      .where('id', '=', user.account.id)
      .execute();

    const client = await sidecar.connectEhlo();
    const tx = await sendTransaction(client, { from: 'someone@example.org', to: [`${user.username}@localhost`] }, message);
    client.close();
    expect(tx.rcpt[0]?.code).toBe(250);
    expect(tx.final?.text).toBe(TEMPORARY);
    expect(await countMessages(db, user.account.id, 'inbox')).toEqual({ total: 0, unread: 0 });

    const logged = sidecar.logs.join('\n');
    expect(logged).toMatch(/"msg":"message not stored"/);
    expect(logged).toMatch(/"stage":"(key|encryption)"/);
    expect(logged).not.toContain('PGP');
    expect(logged).not.toContain('Garbage');
    expect(logged).not.toContain(user.username);
  });

  it('stores nothing for any recipient when one of them has no usable key', async () => {
    const [good, broken] = await Promise.all([createTestUser(db), createTestUser(db)]);
    await db.updateTable('users').set({ public_key: '' }).where('id', '=', broken.account.id).execute();
    const client = await sidecar.connectEhlo();
    const tx = await sendTransaction(client, { from: 'someone@example.org', to: [`${good.username}@localhost`, `${broken.username}@localhost`] }, message);
    client.close();
    expect(tx.final?.text).toBe(TEMPORARY);
    expect((await countMessages(db, good.account.id, 'inbox')).total).toBe(0);
  });
});

describe('a database that stops', () => {
  let dir: string;
  let cluster: EmbeddedCluster | undefined;
  let db: Db;
  let sidecar: Sidecar;
  let user: TestUser;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sealpost-stopped-'));
    chmodSync(dir, 0o755); // the postgres user must reach the cluster folder when tests run as root
    cluster = await startEmbeddedPostgres({ dataDir: dir, ephemeral: true });
    db = createDb(cluster.url, { max: 3 });
    await migrateToLatest(db);
    user = await createTestUser(db);
    sidecar = await startSidecar(db);
  });
  afterAll(async () => {
    await sidecar?.close();
    await db?.destroy();
    await cluster?.stop().catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers 4xx, never 250, whether it stops mid-transaction or before one', async () => {
    const client = await sidecar.connectEhlo();
    // While the database runs, the recipient is accepted...
    expect((await client.command('MAIL FROM:<someone@example.org>')).code).toBe(250);
    expect((await client.command(`RCPT TO:<${user.username}@localhost>`)).code).toBe(250);
    expect((await client.command('DATA')).code).toBe(354);

    await cluster!.stop();
    cluster = undefined;

    // ...then the message can't be committed: 451, not 250.
    client.write(dataPayload(message));
    expect((await client.read()).text).toBe(TEMPORARY);
    // A new transaction fails at RCPT, where routing needs the database.
    expect((await client.command('MAIL FROM:<someone@example.org>')).code).toBe(250);
    expect((await client.command(`RCPT TO:<${user.username}@localhost>`)).text).toBe(TEMPORARY);
    client.close();

    const logged = sidecar.logs.join('\n');
    expect(logged).toMatch(/"stage":"database"/);
    expect(logged).toMatch(/"stage":"routing"/);
    expect(logged).not.toMatch(/"code":250/);
  });
});
