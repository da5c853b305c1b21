import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findAddress, insertAddress } from '../db/repositories/address.repository';
import { insertDomain, setCatchAll } from '../db/repositories/domain.repository';
import { createTestUser, type TestUser } from '../testing/factories';
import { useTestDb } from '../testing/db';
import { decryptStored, queuedId, type Sidecar, startSidecar } from '../testing/smtp-harness';
import { sendTransaction } from '../testing/smtp-raw-client';

/** SMTP routing on customer domains: exact address, enabled alias, catch-all, then 550 5.1.1. */
const db = useTestDb();
let sidecar: Sidecar;
let owner: TestUser;
let domain: string;
let unverified: string;

async function addDomain(name: string, verified: boolean) {
  const row = await insertDomain(
    db,
    { name, owner_id: owner.account.id, verify_token: 't', dkim_selector: 'sealpost', dkim_public_key: 'p', dkim_private_key: new Uint8Array(1) },
    [],
  );
  if (verified) await db.updateTable('domains').set({ status: 'verified', verified_at: new Date() }).where('id', '=', row.id).execute();
  return row;
}

async function address(local: string, kind: 'address' | 'alias', enabled = true) {
  const row = await insertAddress(db, {
    user_id: owner.account.id,
    domain_id: null,
    local_part: local,
    domain,
    address: `${local}@${domain}`,
    kind,
    alias_style: kind === 'alias' ? 'custom' : null,
    note: null,
  });
  if (!enabled) await db.updateTable('addresses').set({ enabled: false }).where('id', '=', row.id).execute();
}

const mail = (to: string, subject: string) => Buffer.from(`From: sender@remote.example\r\nTo: ${to}\r\nSubject: ${subject}\r\n\r\nbody for ${subject}\r\n`);

async function send(to: string, subject: string) {
  const client = await sidecar.connectEhlo();
  try {
    return await sendTransaction(client, { from: 'sender@remote.example', to: [to] }, mail(to, subject));
  } finally {
    await client.command('QUIT').catch(() => undefined);
  }
}

beforeAll(async () => {
  sidecar = await startSidecar(db);
  owner = await createTestUser(db);
  domain = `r${Math.random().toString(36).slice(2, 9)}.example`;
  unverified = `u${Math.random().toString(36).slice(2, 9)}.example`;
  const row = await addDomain(domain, true);
  await addDomain(unverified, false);
  await address('hello', 'address');
  await address('shop', 'alias');
  await address('old', 'alias', false);
  await setCatchAll(db, row.id, false);
});
afterAll(() => sidecar?.close());

describe('routing on a hosted domain', () => {
  it('delivers to an address, an alias and (when on) the catch-all, each encrypted to the owner', async () => {
    const row = (await db.selectFrom('domains').select('id').where('name', '=', domain).executeTakeFirst())!;
    expect((await send(`anything@${domain}`, 'before catch-all')).rcpt[0]!.text).toMatch(/^550 5\.1\.1/);
    await setCatchAll(db, row.id, true);
    for (const [to, subject] of [
      [`hello@${domain}`, 'to the address'],
      [`Shop@${domain.toUpperCase()}`, 'to the alias'],
      [`anything@${domain}`, 'to the catch-all'],
    ] as const) {
      const tx = await send(to, subject);
      expect(tx.rcpt[0]!.code).toBe(250);
      const stored = await decryptStored(db, owner, queuedId(tx.final));
      expect(stored.summary.subject).toBe(subject);
      expect(stored.raw.toString('utf8')).toContain(`body for ${subject}`);
    }
    expect((await findAddress(db, `shop@${domain}`))!.received_count).toBe(1);
  });

  it('refuses a disabled alias with 550 5.1.1 and counts it as blocked, even with catch-all on', async () => {
    const tx = await send(`old@${domain}`, 'to the disabled alias');
    expect(tx.rcpt[0]!.text).toMatch(/^550 5\.1\.1/);
    expect((await findAddress(db, `old@${domain}`))!.blocked_count).toBe(1);
  });

  it('refuses a domain that is added but not verified, like any other foreign domain: 550 5.7.1', async () => {
    const tx = await send(`hello@${unverified}`, 'to an unverified domain');
    expect(tx.rcpt[0]!.text).toMatch(/^550 5\.7\.1/);
  });
});
