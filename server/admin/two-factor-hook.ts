import 'server-only';
import type { Db } from '../../db/client';
import { usersWithSecondFactor } from '../../db/repositories/account-security.repository';

/** Each user's 2FA state in the admin console: 'on' with a confirmed authenticator app or a passkey. */
export async function twoFactorStates(db: Db, userIds: string[]): Promise<Map<string, 'on' | 'off'>> {
  const on = await usersWithSecondFactor(db, userIds);
  return new Map(userIds.map((id) => [id, on.has(id) ? 'on' : 'off']));
}
