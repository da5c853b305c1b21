import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { beforeAll, describe, expect, it } from 'vitest';
import { deriveFromPassword, prepareRegistration } from '../../../crypto/account';
import { toBase64 } from '../../../crypto';
import { trpcCallers, trpcCode, trpcError } from '../../../testing/api';
import { appError } from '../../../testing/errors';
import { createTestUser, type TestUser } from '../../../testing/factories';
import { useIsolatedDb } from '../../../testing/outbound/isolated-db';
import { solvedProof } from '../../../testing/proof-of-work';
import { purgeOldAuditEvents } from '../../admin/audit-log.service';
import { register, signIn } from '../../auth/account.service';
import { env } from '../../env';
import { settingsFrom } from '../../settings';
import { appRouter } from '../root';

/**
 * The admin console's API. A database of its own: the tests change instance-wide settings
 * (registration policy) and count admins, which other files must not see.
 */
const isolated = useIsolatedDb();
const db = () => isolated.db();
const as = trpcCallers(db);
const settings = settingsFrom(env());

let admin: TestUser;
let user: TestUser;

beforeAll(async () => {
  // One after the other: Argon2id blocks this thread, and a connection opened meanwhile times out on a busy machine.
  admin = await createTestUser(db(), { isAdmin: true });
  user = await createTestUser(db());
}, 60_000);

/** Every procedure under `admin.`, read from the router itself: a new one is covered without editing this test. */
const adminProcedures = Object.keys((appRouter._def as unknown as { procedures: Record<string, unknown> }).procedures)
  .filter((path) => path.startsWith('admin.'))
  .map((path) => path.slice('admin.'.length));

type AdminCaller = Record<string, (input?: unknown) => Promise<unknown>>;

describe('every admin procedure', () => {
  it('is found by walking the router', () => {
    // A floor, so a broken walk (an empty list) can't pass the next test vacuously.
    expect(adminProcedures.length).toBeGreaterThanOrEqual(24);
    expect(adminProcedures).toEqual(expect.arrayContaining(['users', 'deleteUser', 'setRegistrationPolicy', 'queue', 'audit', 'status']));
  });

  it('answers 403 FORBIDDEN to a signed-in non-admin, and 401 to nobody', async () => {
    const asUser = as(user).admin as unknown as AdminCaller;
    const asNobody = as(null).admin as unknown as AdminCaller;
    for (const name of adminProcedures) {
      const error = await trpcError(asUser[name]!({}));
      expect({ name, code: error.code, status: getHTTPStatusCodeFromError(error) }).toEqual({ name, code: 'FORBIDDEN', status: 403 });
      expect({ name, code: await trpcCode(asNobody[name]!({})) }).toEqual({ name, code: 'UNAUTHORIZED' });
    }
  });
});

describe('users', () => {
  it('lists users with storage and activity, searchable, without key material', async () => {
    const all = await as(admin).admin.users({});
    const row = all.find((u) => u.username === user.username)!;
    expect(row).toMatchObject({
      address: `${user.username}@${settings.mailDomain}`,
      isAdmin: false,
      disabled: false,
      messageCount: 0,
      storageBytes: 0,
      twoFactor: 'off',
    });
    expect(Object.keys(row)).not.toContain('public_key');
    const found = await as(admin).admin.users({ search: user.username.slice(2, 9).toUpperCase() });
    expect(found.map((u) => u.username)).toEqual([user.username]);
  });

  it('disables (sign-in refused, sessions end) and enables again, auditing both', async () => {
    const target = await createTestUser(db());
    const { authKey } = await deriveLoginKey(target);
    await signIn(db(), { now: () => new Date() }, settings.mailDomain, { username: target.username, authKey, ip: null, userAgent: null });
    await as(admin).admin.disableUser({ userId: target.account.id });
    const refused = await appError(
      signIn(db(), { now: () => new Date() }, settings.mailDomain, { username: target.username, authKey, ip: null, userAgent: null }),
    );
    expect(refused.code).toBe('FORBIDDEN');
    expect(refused.message).toMatch(/disabled/);
    const sessions = await db().selectFrom('sessions').select('revoked_at').where('user_id', '=', target.account.id).execute();
    expect(sessions.every((s) => s.revoked_at !== null)).toBe(true);

    await as(admin).admin.enableUser({ userId: target.account.id });
    await signIn(db(), { now: () => new Date() }, settings.mailDomain, { username: target.username, authKey, ip: null, userAgent: null });
    const events = await as(admin).admin.audit({ username: admin.username, event: 'admin.' });
    expect(events.map((e) => [e.event, e.details?.target])).toEqual(
      expect.arrayContaining([
        ['admin.user.disabled', target.username],
        ['admin.user.enabled', target.username],
      ]),
    );
  });

  it('promotes and demotes, but the last admin cannot demote themselves', async () => {
    const solo = await soloAdminDb();
    expect((await appError(solo.demote())).code).toBe('INVALID_STATE');
    const other = await createTestUser(db());
    await as(admin).admin.promoteUser({ userId: other.account.id });
    expect((await as(admin).admin.users({ search: other.username }))[0]?.isAdmin).toBe(true);
    await as(admin).admin.demoteUser({ userId: other.account.id });
    expect((await as(admin).admin.users({ search: other.username }))[0]?.isAdmin).toBe(false);
  });

  it('deletes an account with everything it owns, keeps a content-free audit event, and holds the username back', async () => {
    const target = await createTestUser(db());
    await db()
      .insertInto('messages')
      .values({ user_id: target.account.id, size: 10, raw_ciphertext: new Uint8Array([1]), summary_ciphertext: new Uint8Array([2]) })
      .execute();
    await as(admin).admin.deleteUser({ userId: target.account.id });
    expect(await db().selectFrom('users').select('id').where('id', '=', target.account.id).executeTakeFirst()).toBeUndefined();
    expect(await db().selectFrom('messages').select('id').where('user_id', '=', target.account.id).executeTakeFirst()).toBeUndefined();
    const event = (await as(admin).admin.audit({ event: 'account.deleted' })).find((e) => e.details?.username === target.username);
    expect(event?.details).toEqual({ username: target.username, by: 'admin' });

    const again = await prepareRegistration({ username: target.username, email: `${target.username}@localhost`, password: 'another-password-1' });
    const taken = await appError(register(db(), again.payload, { settings, viaCli: true }));
    expect(taken.code).toBe('USERNAME_TAKEN');
    expect(taken.message).toMatch(/deleted recently/);
  });

  it('refuses to delete or disable yourself from the console', async () => {
    expect(await trpcCode(as(admin).admin.deleteUser({ userId: admin.account.id }))).toBe('CONFLICT');
    expect(await trpcCode(as(admin).admin.disableUser({ userId: admin.account.id }))).toBe('CONFLICT');
  });
});

describe('self-service deletion', () => {
  it('needs the password: a wrong one keeps the account, the right one deletes it', async () => {
    const target = await createTestUser(db());
    const wrong = toBase64(new Uint8Array(32).fill(7));
    expect(await trpcCode(as(target).account.deleteAccount({ authKey: wrong }))).toBe('UNAUTHORIZED');
    expect(await db().selectFrom('users').select('id').where('id', '=', target.account.id).executeTakeFirst()).toBeDefined();
    const { authKey } = await deriveLoginKey(target);
    await as(target).account.deleteAccount({ authKey });
    expect(await db().selectFrom('users').select('id').where('id', '=', target.account.id).executeTakeFirst()).toBeUndefined();
    const events = await as(admin).admin.audit({ event: 'account.deleted' });
    expect(events.find((e) => e.details?.username === target.username)?.details).toEqual({ username: target.username, by: 'self' });
  });
});

describe('registration policy and invitations', () => {
  it('is open by default, refuses when closed or invite-only, and admits an invitation exactly once', async () => {
    // One prepared account; refused registrations are refused by the policy, before the key is looked at.
    const invitedName = `inv${Date.now().toString(36)}`;
    const prepared = await prepareRegistration({ username: invitedName, email: `${invitedName}@localhost`, password: 'invited-password-1' });
    const registerWeb = async (username: string, invite?: string) =>
      register(
        db(),
        { ...prepared.payload, username },
        { settings, ip: `192.0.2.${Math.floor(Math.random() * 250)}`, invite, proof: await solvedProof('register') },
      );
    expect((await as(admin).admin.policies({})).registration).toBe(settings.registration);
    await as(admin).admin.setRegistrationPolicy({ policy: 'invite' });
    expect((await as(null).auth.config()).registrationPolicy).toBe('invite');
    const refused = await appError(registerWeb(`inv${Date.now().toString(36)}`));
    expect([refused.code, refused.message]).toEqual(['REGISTRATION_CLOSED', expect.stringMatching(/invitation/)]);

    const invite = await as(admin).admin.createInvite({});
    const token = new URL(invite.path, 'http://x').searchParams.get('invite')!;
    const invited = await registerWeb(invitedName, token);
    expect(invited.username).toBe(invitedName);
    // Single use: the same link can't make a second account.
    const reused = await appError(registerWeb(`inv${Date.now().toString(36)}b`, token));
    expect([reused.code, reused.message]).toEqual(['REGISTRATION_CLOSED', expect.stringMatching(/already been used/)]);
    expect((await as(admin).admin.invites({})).find((i) => i.id === invite.id)).toMatchObject({ state: 'used', usedBy: invited.username });
    const stored = await db().selectFrom('invites').selectAll().where('id', '=', invite.id).executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(token);

    await as(admin).admin.setRegistrationPolicy({ policy: 'closed' });
    expect((await appError(registerWeb(`cls${Date.now().toString(36)}`))).code).toBe('REGISTRATION_CLOSED');
    await as(admin).admin.setRegistrationPolicy({ policy: 'open' });
    await as(admin).admin.setRequireTwoFactor({ required: true });
    expect((await as(admin).admin.policies({})).requireTwoFactor).toBe(true);
    await as(admin).admin.setRequireTwoFactor({ required: false });
  });
});

describe('audit retention', () => {
  it('purges events older than the retention, keeps newer ones, and keeps everything at 0', async () => {
    const old = new Date(Date.now() - 40 * 24 * 60 * 60 * 1000);
    await db()
      .insertInto('audit_log')
      .values({ event: 'test.old', at: old } as never)
      .execute();
    await db().insertInto('audit_log').values({ event: 'test.recent' }).execute();
    const clock = { now: () => new Date() };
    expect(await purgeOldAuditEvents(db(), clock, 0)).toBe(0);
    expect(await purgeOldAuditEvents(db(), clock, 30)).toBe(1);
    const left = (await as(admin).admin.audit({ event: 'test.' })).map((e) => e.event);
    expect(left).toEqual(['test.recent']);
  });
});

describe('status', () => {
  it('reports the database, the queue and the version', async () => {
    const status = await as(admin).admin.status({});
    expect(status.database.ok).toBe(true);
    expect(status.database.version).toMatch(/^\d+/);
    expect(status.queue).toEqual({ queued: 0, deferred: 0, deadLetters: 0 });
    expect(status.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(status.roles.web).toBe(true);
  });
});

async function deriveLoginKey(target: TestUser) {
  const row = await db().selectFrom('users').select(['kdf_salt', 'kdf_opslimit', 'kdf_memlimit']).where('id', '=', target.account.id).executeTakeFirstOrThrow();
  const derived = await deriveFromPassword(target.password, {
    salt: Buffer.from(row.kdf_salt).toString('base64'),
    opslimit: row.kdf_opslimit,
    memlimit: row.kdf_memlimit,
  });
  return { authKey: derived.authKey };
}

/** Every other admin demoted first, so `admin` is the last one. */
async function soloAdminDb() {
  await db().updateTable('users').set({ is_admin: false }).where('id', '!=', admin.account.id).execute();
  return {
    demote: () =>
      as(admin)
        .admin.demoteUser({ userId: admin.account.id })
        .then(
          () => undefined,
          (err: { cause?: unknown }) => Promise.reject(err.cause ?? err),
        ),
  };
}
