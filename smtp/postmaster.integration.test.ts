import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertDomain } from '../db/repositories/domain.repository';
import { countMessages } from '../db/repositories/message.repository';
import { createTestUser, type TestUser } from '../testing/factories';
import { decryptStored, type Sidecar, startSidecar } from '../testing/smtp-harness';
import { type OwnCluster, startOwnCluster } from '../testing/own-cluster';
import { sendTransaction } from '../testing/smtp-raw-client';

/**
 * RFC 5321 4.5.1: postmaster must be accepted, bare and at every domain this server hosts. It goes
 * to every admin. This file owns its database, because it needs an instance without any admin.
 */
let cluster: OwnCluster;
let sidecar: Sidecar;
let user: TestUser;
let customerDomain: string;

beforeAll(async () => {
  cluster = await startOwnCluster();
  sidecar = await startSidecar(cluster.db);
  user = await createTestUser(cluster.db);
  customerDomain = `pm-${user.username}.example`;
  const row = await insertDomain(
    cluster.db,
    {
      name: customerDomain,
      owner_id: user.account.id,
      verify_token: 't',
      dkim_selector: 'sealpost',
      dkim_public_key: 'p',
      dkim_private_key: new Uint8Array(1),
    },
    [],
  );
  await cluster.db.updateTable('domains').set({ status: 'verified', verified_at: new Date() }).where('id', '=', row.id).execute();
});
afterAll(async () => {
  await sidecar?.close();
  await cluster?.destroy();
});

const message = (subject: string) => Buffer.from(`From: reporter@remote.example\r\nTo: postmaster\r\nSubject: ${subject}\r\n\r\nabuse report\r\n`);

async function send(to: string[], subject: string) {
  const client = await sidecar.connectEhlo();
  try {
    return await sendTransaction(client, { from: 'reporter@remote.example', to }, message(subject));
  } finally {
    client.close();
  }
}

describe('postmaster', () => {
  it('is answered 451 while the instance has no admin, so the mail waits instead of bouncing', async () => {
    const tx = await send(['postmaster'], 'no admin yet');
    expect(tx.rcpt[0]?.text).toBe('451 4.3.0 Temporary local problem, please try again later');
    expect(sidecar.logs.join('\n')).toMatch(/"msg":"mail for postmaster, but the instance has no admin"/);
  });

  it('reaches every admin, once each, for the bare form and every hosted domain, in any case', async () => {
    const admins = [await createTestUser(cluster.db, { isAdmin: true }), await createTestUser(cluster.db, { isAdmin: true })];
    const recipients = ['postmaster', 'PostMaster@localhost', `postmaster@${customerDomain.toUpperCase()}`];
    const tx = await send(recipients, 'for the postmaster');
    expect(tx.rcpt.map((r) => r.code)).toEqual([250, 250, 250]);
    expect(tx.final?.code).toBe(250);

    for (const admin of admins) {
      const rows = await cluster.db.selectFrom('messages').select('id').where('user_id', '=', admin.account.id).execute();
      // Three envelope addresses, one mailbox: one copy, encrypted to that admin's own key.
      expect(rows).toHaveLength(1);
      const stored = await decryptStored(cluster.db, admin, rows[0]!.id);
      expect(stored.summary.subject).toBe('for the postmaster');
    }
    // The owner of the customer domain is no admin: postmaster mail is not theirs.
    expect((await countMessages(cluster.db, user.account.id, 'inbox')).total).toBe(0);
  });

  it('is still refused for domains this server does not host', async () => {
    const tx = await send(['postmaster@elsewhere.example'], 'relay attempt');
    expect(tx.rcpt[0]?.text).toMatch(/^550 5\.7\.1 /);
  });
});
