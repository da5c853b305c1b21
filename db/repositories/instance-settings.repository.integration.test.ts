import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestDb } from '../../testing/db';
import { clearInstanceSetting, readInstanceSetting, writeInstanceSetting } from './instance-settings.repository';

const db = useTestDb();

describe('instance settings repository', () => {
  it('reads back what was written, overwrites it, and forgets it when cleared', async () => {
    const key = `test_${randomUUID()}`;
    expect(await readInstanceSetting(db, key)).toBeUndefined();
    await writeInstanceSetting(db, key, { policy: 'invite' }, null, new Date('2026-12-03T00:00:00Z'));
    expect(await readInstanceSetting(db, key)).toEqual({ policy: 'invite' });
    await writeInstanceSetting(db, key, false, null, new Date('2026-12-03T00:01:00Z'));
    expect(await readInstanceSetting(db, key)).toBe(false);
    await clearInstanceSetting(db, key);
    expect(await readInstanceSetting(db, key)).toBeUndefined();
  });
});
