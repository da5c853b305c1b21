import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeContact, encodeContact } from '@/app/lib/contacts/contact';
import { decryptBytes, encryptBytes, fromBase64, readPrivateKey, toBase64 } from '@/crypto';
import { trpcCallers, trpcError } from '@/testing/api';
import { useTestDb } from '@/testing/db';
import { type TestUser, createTestUser } from '@/testing/factories';

const db = useTestDb();
const callerFor = trpcCallers(db);
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  [alice, bob] = await Promise.all([createTestUser(db), createTestUser(db)]);
});

/** What the browser sends: the contact as JSON, encrypted to a key (the user's own, normally). */
async function sealed(fields: Parameters<typeof encodeContact>[0], publicKey: string): Promise<string> {
  return toBase64(await encryptBytes(encodeContact(fields), [publicKey]));
}

describe('the address book', () => {
  it('stores only ciphertext: no name, address or note in any column, as text or as hex', async () => {
    const canary = randomBytes(5).toString('hex');
    const fields = { name: `Dave Canary${canary}`, emails: [`dave.${canary}@example.org`], notes: `note-${canary}`, publicKey: '' };
    const [created] = await callerFor(alice).contacts.create({ contacts: [await sealed(fields, alice.publicKeyArmored)] });

    const { rows } = await sql<{ row: string }>`SELECT c::text AS row FROM contacts c WHERE user_id = ${alice.account.id}`.execute(db);
    expect(rows).toHaveLength(1);
    const row = rows[0]!.row;
    expect(row).toContain(created!.id); // the dump is of the right row
    for (const secret of [canary, ...fields.emails, fields.name, fields.notes]) {
      expect(row.toLowerCase()).not.toContain(secret.toLowerCase());
      expect(row.toLowerCase()).not.toContain(Buffer.from(secret).toString('hex'));
    }

    // And Alice's browser gets back what it stored, which her key opens.
    const [listed] = await callerFor(alice).contacts.list();
    expect(listed).toEqual(created);
    const opened = await decryptBytes(fromBase64(listed!.data), await readPrivateKey(alice.privateKeyArmored));
    expect(opened.status).toBe('ok');
    expect(decodeContact((opened as { data: Uint8Array }).data)).toEqual(fields);
  });

  it('refuses a contact not encrypted to the owner, in words', async () => {
    const fields = { name: 'Erin', emails: ['erin@example.org'], notes: '', publicKey: '' };
    const toBob = await trpcError(callerFor(alice).contacts.create({ contacts: [await sealed(fields, bob.publicKeyArmored)] }));
    expect(toBob.code).toBe('BAD_REQUEST');
    expect(toBob.message).toBe('A contact must be encrypted to your own key.');
    const plain = await trpcError(callerFor(alice).contacts.create({ contacts: [toBase64(encodeContact(fields))] }));
    expect(plain.code).toBe('BAD_REQUEST');
    // Nothing of a refused batch is stored.
    const mixed = [await sealed(fields, alice.publicKeyArmored), await sealed(fields, bob.publicKeyArmored)];
    expect((await trpcError(callerFor(alice).contacts.create({ contacts: mixed }))).code).toBe('BAD_REQUEST');
    expect((await callerFor(alice).contacts.list()).length).toBe(1);
  });

  it("keeps each user's contacts to that user; edit and delete work for the owner", async () => {
    const fields = { name: 'Frank', emails: ['frank@example.org'], notes: '', publicKey: '' };
    const [frank] = await callerFor(alice).contacts.create({ contacts: [await sealed(fields, alice.publicKeyArmored)] });
    expect(await callerFor(bob).contacts.list()).toEqual([]);
    const bobsEdit = await trpcError(callerFor(bob).contacts.update({ id: frank!.id, data: await sealed(fields, bob.publicKeyArmored) }));
    expect(bobsEdit.code).toBe('NOT_FOUND');
    expect(await callerFor(bob).contacts.remove({ ids: [frank!.id] })).toEqual({ deleted: 0 });

    const edited = await callerFor(alice).contacts.update({ id: frank!.id, data: await sealed({ ...fields, notes: 'new' }, alice.publicKeyArmored) });
    expect(edited.data).not.toBe(frank!.data);
    expect(await callerFor(alice).contacts.remove({ ids: [frank!.id] })).toEqual({ deleted: 1 });
    expect((await callerFor(alice).contacts.list()).map((c) => c.id)).not.toContain(frank!.id);
  });
});
