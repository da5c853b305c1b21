import { beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, type TestUser } from '../../testing/factories';
import { useTestDb } from '../../testing/db';
import { resolveRecipient } from './routing';

const db = useTestDb();
let user: TestUser;
beforeAll(async () => {
  user = await createTestUser(db);
});

describe('resolveRecipient', () => {
  const route = (address: string) => resolveRecipient(db, address, { mailDomain: 'Mail.Example' });

  it('routes <username>@<mail domain> to the user, ignoring case', async () => {
    const local = { status: 'local', userId: user.account.id };
    expect(await route(`${user.username}@mail.example`)).toEqual(local);
    expect(await route(`${user.username.toUpperCase()}@MAIL.EXAMPLE`)).toEqual(local);
    expect(await route(`${user.username}@mail.example.`)).toEqual(local);
  });

  it('says unknown-mailbox on the hosted domain and not-hosted elsewhere', async () => {
    expect(await route('nobody-like-this@mail.example')).toEqual({ status: 'unknown-mailbox' });
    expect(await route('"quoted name"@mail.example')).toEqual({ status: 'unknown-mailbox' });
    expect(await route('postmaster')).toEqual({ status: 'unknown-mailbox' });
    expect(await route(`${user.username}@other.example`)).toEqual({ status: 'not-hosted' });
    expect(await route(`${user.username}@xn--mller-kva.example`)).toEqual({ status: 'not-hosted' });
    expect(await route(`${user.username}@müller.example`)).toEqual({ status: 'not-hosted' });
    expect(await route(`${user.username}@[192.0.2.1]`)).toEqual({ status: 'not-hosted' });
  });

  it('says bad-syntax for what is not an address', async () => {
    for (const address of [
      '',
      'plain',
      '@mail.example',
      'a@',
      'a..b@mail.example',
      '.a@mail.example',
      'a b@mail.example',
      `${'x'.repeat(65)}@mail.example`,
      'a@exa mple.com',
      'a@-x.example',
    ]) {
      expect(await route(address), address).toEqual({ status: 'bad-syntax' });
    }
  });
});
