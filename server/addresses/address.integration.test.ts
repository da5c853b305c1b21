import { describe, expect, it } from 'vitest';
import * as openpgp from 'openpgp';
import { decryptBytes, encryptBytes, readPrivateKey, withUserIds } from '../../crypto/pgp';
import { insertDomain } from '../../db/repositories/domain.repository';
import { findUserById } from '../../db/repositories/user.repository';
import { useTestDb } from '../../testing/db';
import { isUsernameAvailable } from '../auth/account.service';
import { env } from '../env';
import { createTestUser, type TestUser } from '../../testing/factories';
import { lookupWkdKey, wkdHash } from '../wkd/wkd.service';
import { addAddress, addAlias, currentPublicKey, listAddresses, removeAddress, updateAlias, usableDomains } from './address.service';
import { appError } from '../../testing/errors';
import { settingsFrom } from '../settings';

const settings = settingsFrom(env());

const db = useTestDb();

async function verifiedDomainFor(user: TestUser): Promise<string> {
  const name = `v${Math.random().toString(36).slice(2, 9)}.example`;
  const row = await insertDomain(
    db,
    { name, owner_id: user.account.id, verify_token: 't', dkim_selector: 'sealpost', dkim_public_key: 'p', dkim_private_key: new Uint8Array(1) },
    [],
  );
  await db.updateTable('domains').set({ status: 'verified', verified_at: new Date() }).where('id', '=', row.id).execute();
  return name;
}

/** What the browser does: re-sign the key for the current user IDs plus (or minus) one. */
async function resigned(user: TestUser, change: (ids: { name: string; email: string }[]) => { name: string; email: string }[]) {
  const { userIds } = await currentPublicKey(db, user.account);
  return (await withUserIds(await readPrivateKey(user.privateKeyArmored), change(userIds))).publicKeyArmored;
}

describe('addresses', () => {
  it('adds an address on a verified domain with a re-signed key; WKD serves it with only that user ID', async () => {
    const user = await createTestUser(db);
    const domain = await verifiedDomainFor(user);
    expect(await usableDomains(db, settings, user.account)).toContain(domain);
    const address = `hello@${domain}`;
    const publicKey = await resigned(user, (ids) => [...ids, { name: user.username, email: address }]);
    await addAddress(db, settings, user.account, { localPart: 'Hello', domain, publicKey });

    const stored = (await findUserById(db, user.account.id))!.public_key;
    const key = await openpgp.readKey({ armoredKey: stored });
    expect(key.getUserIDs().sort()).toEqual([`${user.username} <${address}>`, `${user.username} <${user.account.address}>`].sort());
    const served = await lookupWkdKey(db, env().MAIL_DOMAIN, domain, wkdHash('hello'), 'hello');
    const servedKey = await openpgp.readKey({ binaryKey: served! });
    expect(servedKey.getUserIDs()).toEqual([`${user.username} <${address}>`]);
    // Mail encrypted to the re-signed key still opens with the private key the user had all along.
    const sealed = await encryptBytes(new TextEncoder().encode('still mine'), [stored]);
    expect((await decryptBytes(sealed, await readPrivateKey(user.privateKeyArmored))).status).toBe('ok');

    const list = await listAddresses(db, user.account);
    expect(list.map((a) => [a.kind, a.address])).toEqual([
      ['primary', user.account.address],
      ['address', address],
    ]);
  });

  it('refuses another key, a key without the new user ID, a domain that is not verified, and a taken address', async () => {
    const [user, other] = await Promise.all([createTestUser(db), createTestUser(db)]);
    const domain = await verifiedDomainFor(user);
    const foreign = await resigned(other, (ids) => [...ids, { name: 'x', email: `a@${domain}` }]);
    expect((await appError(addAddress(db, settings, user.account, { localPart: 'a', domain, publicKey: foreign }))).message).toBe(
      'The updated key is not your key.',
    );
    const unchanged = await resigned(user, (ids) => ids);
    expect((await appError(addAddress(db, settings, user.account, { localPart: 'a', domain, publicKey: unchanged }))).message).toContain(
      'exactly one user ID per address',
    );
    const elsewhere = await resigned(user, (ids) => [...ids, { name: 'x', email: 'a@unverified.example' }]);
    expect((await appError(addAddress(db, settings, user.account, { localPart: 'a', domain: 'unverified.example', publicKey: elsewhere }))).code).toBe(
      'FORBIDDEN',
    );
    await addAlias(db, settings, user.account, { domain, localPart: 'taken' });
    const taken = await resigned(user, (ids) => [...ids, { name: 'x', email: `taken@${domain}` }]);
    expect((await appError(addAddress(db, settings, user.account, { localPart: 'taken', domain, publicKey: taken }))).code).toBe('ADDRESS_TAKEN');
  });

  it('removes an address together with its user ID', async () => {
    const user = await createTestUser(db);
    const domain = await verifiedDomainFor(user);
    const added = await addAddress(db, settings, user.account, {
      localPart: 'temp',
      domain,
      publicKey: await resigned(user, (ids) => [...ids, { name: 'x', email: `temp@${domain}` }]),
    });
    await removeAddress(db, user.account, added.id!, await resigned(user, (ids) => ids.filter((i) => i.email !== `temp@${domain}`)));
    expect((await listAddresses(db, user.account)).map((a) => a.address)).toEqual([user.account.address]);
    expect(await lookupWkdKey(db, env().MAIL_DOMAIN, domain, wkdHash('temp'), 'temp')).toBeNull();
  });
});

describe('aliases', () => {
  it('makes custom and random aliases with notes, toggles them, and keeps them out of WKD', async () => {
    const user = await createTestUser(db);
    const domain = await verifiedDomainFor(user);
    const custom = await addAlias(db, settings, user.account, { domain, localPart: 'shop', note: 'online shops' });
    expect(custom).toMatchObject({ address: `shop@${domain}`, kind: 'alias', aliasStyle: 'custom', note: 'online shops', enabled: true });
    const random = await addAlias(db, settings, user.account, { domain });
    expect(random.address).toMatch(new RegExp(`^[a-z]+\\.[a-z]+\\d{2}@${domain.replace('.', '\\.')}$`));
    expect((await updateAlias(db, user.account, custom.id!, { enabled: false })).enabled).toBe(false);
    expect(await lookupWkdKey(db, env().MAIL_DOMAIN, domain, wkdHash('shop'), 'shop')).toBeNull();
  });

  it('keeps usernames and MAIL_DOMAIN addresses apart', async () => {
    const admin = await createTestUser(db, { isAdmin: true });
    const local = `taken${Date.now().toString(36)}`;
    await addAlias(db, settings, admin.account, { domain: 'localhost', localPart: local });
    expect(await isUsernameAvailable(db, settings.mailDomain, local)).toBe(false);
    const user = await createTestUser(db);
    expect((await appError(addAlias(db, settings, admin.account, { domain: 'localhost', localPart: user.username }))).code).toBe('ADDRESS_TAKEN');
    // Non-admins may not use MAIL_DOMAIN under the default policy.
    expect((await appError(addAlias(db, settings, user.account, { domain: 'localhost', localPart: `x${local}` }))).code).toBe('FORBIDDEN');
  });
});

describe('addresses on the instance’s own domain', () => {
  it('follow the mailDomainAddresses setting passed in', async () => {
    const [user, admin] = await Promise.all([createTestUser(db), createTestUser(db, { isAdmin: true })]);
    expect(await usableDomains(db, { ...settings, mailDomainAddresses: 'allowed' }, user.account)).toContain(settings.mailDomain);
    expect(await usableDomains(db, { ...settings, mailDomainAddresses: 'admins' }, user.account)).not.toContain(settings.mailDomain);
    expect(await usableDomains(db, { ...settings, mailDomainAddresses: 'admins' }, admin.account)).toContain(settings.mailDomain);
    expect(await usableDomains(db, { ...settings, mailDomainAddresses: 'none' }, admin.account)).not.toContain(settings.mailDomain);
  });
});
