import { describe, expect, it } from 'vitest';
import { prepareRegistration } from '../../crypto/account';
import { generateUserKey, readPrivateKey, withUserIds } from '../../crypto/pgp';
import { insertDomain } from '../../db/repositories/domain.repository';
import { findUserByUsername } from '../../db/repositories/user.repository';
import { useTestDb } from '../../testing/db';
import { addAddress, currentPublicKey } from '../addresses/address.service';
import { pinKey } from '../send/pinned-keys.service';
import { createTestUser } from '../../testing/factories';
import { concatenatedKeyBlock } from '../../testing/key-blocks';
import { register } from './account.service';
import { appError } from '../../testing/errors';
import { env } from '../env';
import { settingsFrom } from '../settings';

const settings = settingsFrom(env());

/**
 * Every key a client uploads must be one key: a second key in the same armored block would be stored
 * with the first and handed to senders (compose.recipientKeys, WKD) as the user's.
 */
const db = useTestDb();

describe('uploaded keys hold exactly one key', () => {
  it('registration refuses a block with a second key carrying the same address', async () => {
    const username = `twokeys${Date.now()}`;
    const address = `${username}@localhost`;
    const prepared = await prepareRegistration({ username, email: address, password: 'two-keys-password-1' });
    const intruder = await generateUserKey('Intruder', address);
    const block = await concatenatedKeyBlock(prepared.payload.publicKey, intruder.publicKeyArmored);
    const err = await appError(register(db, { ...prepared.payload, publicKey: block }, { settings, viaCli: true }));
    expect(err.code).toBe('BAD_INPUT');
    expect(err.message).toContain('more than one key');
    expect(await findUserByUsername(db, username)).toBeUndefined();
    // Control: the same payload with its own key alone is accepted.
    await expect(register(db, prepared.payload, { settings, viaCli: true })).resolves.toMatchObject({ username });
  });

  it('an address key update refuses a block with a second key', async () => {
    const user = await createTestUser(db);
    const domain = `k${Math.random().toString(36).slice(2, 9)}.example`;
    const row = await insertDomain(
      db,
      { name: domain, owner_id: user.account.id, verify_token: 't', dkim_selector: 'sealpost', dkim_public_key: 'p', dkim_private_key: new Uint8Array(1) },
      [],
    );
    await db.updateTable('domains').set({ status: 'verified', verified_at: new Date() }).where('id', '=', row.id).execute();
    const { userIds } = await currentPublicKey(db, user.account);
    const address = `hello@${domain}`;
    const { publicKeyArmored } = await withUserIds(await readPrivateKey(user.privateKeyArmored), [...userIds, { name: 'x', email: address }]);
    const intruder = await generateUserKey('Intruder', address);
    const err = await appError(
      addAddress(db, settings, user.account, {
        localPart: 'hello',
        domain,
        publicKey: await concatenatedKeyBlock(publicKeyArmored, intruder.publicKeyArmored),
      }),
    );
    expect(err.message).toContain('more than one key');
    await expect(addAddress(db, settings, user.account, { localPart: 'hello', domain, publicKey: publicKeyArmored })).resolves.toBeDefined();
  });

  it('pinning refuses a block with a second key', async () => {
    const user = await createTestUser(db);
    const [pinned, other] = await Promise.all([generateUserKey('P', 'pin@example.org'), generateUserKey('O', 'pin@example.org')]);
    const err = await appError(
      pinKey(db, user.account, { address: 'pin@example.org', publicKey: await concatenatedKeyBlock(pinned.publicKeyArmored, other.publicKeyArmored) }),
    );
    expect(err.code).toBe('BAD_INPUT');
    await expect(pinKey(db, user.account, { address: 'pin@example.org', publicKey: pinned.publicKeyArmored })).resolves.toBeDefined();
  });
});
