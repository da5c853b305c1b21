import 'server-only';
import type { Db } from '../../db/client';
import { isUsernameRetired } from '../../db/repositories/admin-user.repository';
import { AppError } from '../errors';
import type { Settings } from '../settings';
import { registrationPolicy } from './instance-policy.service';
import { usableInvite } from './invite.service';

/**
 * Whether a registration from the web may go ahead, by the run-time policy: open to anyone, by
 * invitation only, or closed. A valid invitation admits under any policy (an admin chose to
 * invite). Returns the invitation to use up in the registration's transaction.
 */
export async function admitRegistration(
  db: Db,
  settings: Pick<Settings, 'registration'>,
  now: Date,
  inviteToken: string | undefined,
): Promise<{ inviteId: string | null }> {
  if (inviteToken) {
    const invite = await usableInvite(db, now, inviteToken);
    if (!invite) throw new AppError('REGISTRATION_CLOSED', 'This invitation has already been used or has expired. Ask the administrator for a new one.');
    return { inviteId: invite.id };
  }
  const policy = await registrationPolicy(db, settings);
  if (policy === 'open') return { inviteId: null };
  throw new AppError(
    'REGISTRATION_CLOSED',
    policy === 'invite'
      ? 'Registration on this server is by invitation. Ask the administrator for an invitation link.'
      : 'Registration is closed on this server. Ask the administrator for an account.',
  );
}

/** A deleted account's username stays unavailable for DELETED_USERNAME_HOLD_DAYS, so its mail can't reach a newcomer. */
export async function assertUsernameNotRetired(db: Db, username: string, now: Date): Promise<void> {
  if (await isUsernameRetired(db, username, now)) {
    throw new AppError('USERNAME_TAKEN', 'That username belonged to an account that was deleted recently. Choose another.');
  }
}
