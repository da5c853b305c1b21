import { describe, expect, it } from 'vitest';
import { useTestDb } from '../../testing/db';
import { systemClock } from '../clock';
import { env } from '../env';
import { settingsFrom } from '../settings';
import { createTestUser } from '../../testing/factories';
import { ownLimits, setSendLimits } from './send-limits';

const db = useTestDb();

describe('send limit defaults', () => {
  it('come from the settings passed in, until an admin sets a user’s own', async () => {
    const user = await createTestUser(db);
    const admin = await createTestUser(db, { isAdmin: true });
    const defaults = { ...settingsFrom(env()), sendLimitPerHour: 7, sendLimitPerDay: 70 };
    expect(await ownLimits(db, systemClock, defaults, user.account)).toMatchObject({ perHour: 7, perDay: 70, custom: false });
    expect(await setSendLimits(db, systemClock, defaults, admin.account, { username: user.username, perHour: 3, perDay: null })).toMatchObject({
      perHour: 3,
      perDay: 70,
      custom: true,
    });
  });
});
