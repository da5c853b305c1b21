import { beforeAll, describe, expect, it } from 'vitest';
import { encryptBytes, toBase64, utf8 } from '../../crypto';
import { deleteAddress, insertAddress } from '../../db/repositories/address.repository';
import { trpcCallers, trpcCode } from '../../testing/api';
import { useTestDb } from '../../testing/db';
import { type TestUser, createTestUser } from '../../testing/factories';
import { decryptText } from '../../testing/mail';

const db = useTestDb();
const callerFor = trpcCallers(db);
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  // One after the other: two key generations at once starve the event loop on a busy machine.
  alice = await createTestUser(db);
  bob = await createTestUser(db);
});

const sealedFor = async (user: TestUser, document: object) => toBase64(await encryptBytes(utf8(JSON.stringify(document)), [user.publicKeyArmored]));
const identity = { v: 1, displayName: 'Ada Lovelace', signature: { html: '<p>Ada, engines</p>', text: 'Ada, engines' } };

describe('sending identities', () => {
  it('keeps a name and signature only as ciphertext to the owner, per own address or alias, and hides those of a removed alias', async () => {
    const alias = await insertAddress(db, {
      user_id: alice.account.id,
      domain_id: null,
      local_part: `${alice.account.username}-shop`,
      domain: 'localhost',
      address: `${alice.account.username}-shop@localhost`,
      kind: 'alias',
      alias_style: 'custom',
      note: null,
    });
    const api = callerFor(alice);
    await api.identities.save({ address: alice.account.address.toUpperCase(), ciphertext: await sealedFor(alice, identity) });
    await api.identities.save({ address: alias.address, ciphertext: await sealedFor(alice, { ...identity, displayName: 'Shop' }) });

    const rows = await db.selectFrom('sending_identities').selectAll().where('user_id', '=', alice.account.id).orderBy('address').execute();
    expect(rows.map((r) => r.address)).toEqual([alice.account.address, alias.address].sort());
    for (const row of rows) expect(Buffer.from(row.ciphertext).includes(Buffer.from('engines'))).toBe(false);
    expect(JSON.parse(await decryptText(alice, rows.find((r) => r.address === alias.address)!.ciphertext))).toMatchObject({ displayName: 'Shop' });

    await deleteAddress(db, alias.id, alice.account.id);
    expect((await api.identities.list()).map((i) => i.address)).toEqual([alice.account.address]);
    await api.identities.reset({ address: alice.account.address });
    expect(await api.identities.list()).toEqual([]);
  });

  it('refuses a document not encrypted to the owner, an address that is not theirs, and oversized input', async () => {
    const api = callerFor(alice);
    expect(await trpcCode(api.identities.save({ address: alice.account.address, ciphertext: await sealedFor(bob, identity) }))).toBe('BAD_REQUEST');
    expect(await trpcCode(api.identities.save({ address: bob.account.address, ciphertext: await sealedFor(alice, identity) }))).toBe('NOT_FOUND');
    expect(await trpcCode(api.identities.save({ address: alice.account.address, ciphertext: 'A'.repeat(200_000) }))).toBe('BAD_REQUEST');
    expect(await trpcCode(callerFor(null).identities.list())).toBe('UNAUTHORIZED');
    expect(await callerFor(bob).identities.list()).toEqual([]);
  });
});
