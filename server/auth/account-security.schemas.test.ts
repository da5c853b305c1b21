import { describe, expect, it } from 'vitest';
import { displayNameSchema, secondFactorCodeSchema, totpCodeSchema } from './account-security.schemas';

describe('account-security input schemas', () => {
  it('takes a display name that fits a From header, and empty as none', () => {
    expect(displayNameSchema.parse('  Ada Lovelace ')).toBe('Ada Lovelace');
    expect(displayNameSchema.parse('')).toBeNull();
    for (const bad of ['Ada <ada@example.com>', 'say "hi"', 'back\\slash', 'two\nlines', 'x'.repeat(65)]) {
      expect(displayNameSchema.safeParse(bad).success).toBe(false);
    }
  });

  it('takes six digits as a TOTP code, and recovery codes only where either is allowed', () => {
    expect(totpCodeSchema.parse(' 012345 ')).toBe('012345');
    expect(totpCodeSchema.safeParse('12345').success).toBe(false);
    expect(totpCodeSchema.safeParse('abcde-fghjk').success).toBe(false);
    expect(secondFactorCodeSchema.parse('abcde-fghjk')).toBe('abcde-fghjk');
    expect(secondFactorCodeSchema.safeParse('12').success).toBe(false);
  });
});
