import 'server-only';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { gateSessionsWithoutSecondFactor, liftSessionGates } from '../../db/repositories/account-security.repository';
import { readInstanceSetting, writeInstanceSetting } from '../../db/repositories/instance-settings.repository';
import type { Settings } from '../settings';

/**
 * Instance-wide policies an admin changes at run time, stored in instance_settings. A missing or
 * malformed row means the environment's default, so a bad row can never lock everyone out.
 */
export const REGISTRATION_POLICIES = ['open', 'invite', 'closed'] as const;
export type RegistrationPolicy = (typeof REGISTRATION_POLICIES)[number];

const policySchema = z.enum(REGISTRATION_POLICIES);

export const REGISTRATION_POLICY_KEY = 'registration_policy';
export const REQUIRE_TWO_FACTOR_KEY = 'require_two_factor';

export async function registrationPolicy(db: Db, settings: Pick<Settings, 'registration'>): Promise<RegistrationPolicy> {
  const parsed = policySchema.safeParse(await readInstanceSetting(db, REGISTRATION_POLICY_KEY));
  return parsed.success ? parsed.data : settings.registration;
}

export async function setRegistrationPolicy(db: Db, policy: RegistrationPolicy, by: string, now: Date): Promise<void> {
  await writeInstanceSetting(db, REGISTRATION_POLICY_KEY, policy, by, now);
}

/** Whether every account must use a second factor (wt-security's sign-in enforces it). */
export async function requireTwoFactor(db: Db): Promise<boolean> {
  return (await readInstanceSetting(db, REQUIRE_TWO_FACTOR_KEY)) === true;
}

/**
 * Turning the requirement on sends every open session of a user without a second factor to the
 * enrolment gate at its next request, as Google Workspace does: still signed in, but nothing else
 * until a factor is set up. Turning it off lets those sessions through again. Returns how many
 * sessions changed.
 */
export async function setRequireTwoFactor(db: Db, required: boolean, by: string, now: Date): Promise<{ sessionsChanged: number }> {
  return db.transaction().execute(async (trx) => {
    await writeInstanceSetting(trx, REQUIRE_TWO_FACTOR_KEY, required, by, now);
    return { sessionsChanged: required ? await gateSessionsWithoutSecondFactor(trx, now) : await liftSessionGates(trx) };
  });
}
