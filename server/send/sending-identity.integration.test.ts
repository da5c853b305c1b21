import { describe, expect, it } from 'vitest';
import { useTestDb } from '../../testing/db';
import { AppError } from '../errors';
import { createTestUser } from '../../testing/factories';
import { instanceDkimRecordFor } from './sending-identity';
import { env } from '../env';
import { settingsFrom } from '../settings';

const settings = settingsFrom(env());

const db = useTestDb();

describe('instanceDkimRecordFor', () => {
  it('refuses a user who is not an administrator, whoever calls it', async () => {
    const user = await createTestUser(db);
    const err = await instanceDkimRecordFor(db, settings.mailDomain, user.account).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('FORBIDDEN');
  });

  it('gives an administrator the TXT record', async () => {
    const admin = await createTestUser(db, { isAdmin: true });
    const record = await instanceDkimRecordFor(db, settings.mailDomain, admin.account);
    expect(record).toMatchObject({ type: 'TXT', host: expect.stringMatching(/^sealpost\._domainkey\./) });
    expect(record.value).toMatch(/^v=DKIM1; k=rsa; p=[A-Za-z0-9+/=]+$/);
  });
});
