import { createDb, type Db } from '../db/client';
import { auditAdminAction } from '../server/admin/admin-audit';
import { deleteUser, demoteUser, disableUser, enableUser, listUsers, promoteUser, userByUsername } from '../server/admin/users.service';
import { createInvite } from '../server/auth/invite.service';
import { systemClock } from '../server/clock';
import { type Env, parseEnv } from '../server/env';
import { AppError } from '../server/errors';
import { settingsFrom } from '../server/settings';
import { loadOrCreateSecret, migrate, openDatabase } from './runtime';

/**
 * The admin console's powers on the command line: `user list`, `user disable|enable|delete|promote|demote
 * <username>`, `invite create`. They call the same services as the console; the audit log records
 * them with `via: cli`.
 */
export const ADMIN_USAGE = `  npm run cli -- user list [search]                  (tab-separated: address, created, last seen, messages, bytes, admin, disabled)
  npm run cli -- user disable|enable|delete|promote|demote <username>
  npm run cli -- invite create                        (prints a single-use registration link)`;

async function withDb<T>(fn: (db: Db, env: Env) => Promise<T>): Promise<T> {
  const env = parseEnv();
  process.env.SECRET_KEY = loadOrCreateSecret(env);
  const database = await openDatabase(env);
  const db = createDb(database.url, { max: 2 });
  try {
    await migrate(database.url);
    return await fn(db, env);
  } finally {
    await db.destroy();
    await database.cluster?.stop();
  }
}

const USER_ACTIONS = ['disable', 'enable', 'delete', 'promote', 'demote'] as const;
type UserAction = (typeof USER_ACTIONS)[number];

export const isUserAction = (action: string | undefined): action is UserAction => USER_ACTIONS.includes(action as UserAction);

export async function userList(args: string[]): Promise<void> {
  await withDb(async (db, env) => {
    const users = await listUsers(db, settingsFrom(env), { search: args[0], limit: 10_000, offset: 0 });
    for (const u of users) {
      console.log(
        [u.address, u.createdAt, u.lastSeenAt ?? '-', u.messageCount, u.storageBytes, u.isAdmin ? 'admin' : '-', u.disabled ? 'disabled' : '-'].join('\t'),
      );
    }
  });
}

export async function userAction(action: UserAction, args: string[]): Promise<void> {
  const username = args.find((a) => !a.startsWith('--'));
  if (!username) throw new AppError('BAD_INPUT', `Name the user: npm run cli -- user ${action} <username>`);
  await withDb(async (db, env) => {
    const { id } = await userByUsername(db, username);
    const settings = settingsFrom(env);
    const run: Record<UserAction, () => Promise<void>> = {
      disable: () => disableUser(db, systemClock, null, id),
      enable: () => enableUser(db, null, id),
      delete: () => deleteUser(db, systemClock, settings, null, id),
      promote: () => promoteUser(db, null, id),
      demote: () => demoteUser(db, null, id),
    };
    await run[action]();
    process.stderr.write(`${username}: ${action}d.\n`);
  });
}

export async function inviteCreate(): Promise<void> {
  await withDb(async (db, env) => {
    const invite = await createInvite(db, systemClock, null);
    await auditAdminAction(db, null, 'invite.created', { inviteId: invite.id });
    const base = env.PUBLIC_URL ?? `http://localhost:${env.PORT}`;
    process.stderr.write(`Single-use link, valid until ${invite.expiresAt}:\n`);
    console.log(new URL(invite.path, base).href);
  });
}
