import 'server-only';
import type { Db } from '../../db/client';

/**
 * Hook for each user's 2FA state in the admin console. Account security (TOTP and passkeys) lands
 * separately; until it does there is no table to read, and every user shows "—". When it lands,
 * this function reads its tables (one query for all of `userIds`) and answers 'on' or 'off'.
 */
export async function twoFactorStates(_db: Db, _userIds: string[]): Promise<Map<string, 'on' | 'off'>> {
  return new Map();
}
