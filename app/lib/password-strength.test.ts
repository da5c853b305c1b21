import { describe, expect, it } from 'vitest';
import { passwordStrength } from './password-strength';

describe('passwordStrength', () => {
  it('calls short passwords too short', () => {
    expect(passwordStrength('abc').label).toBe('Too short');
  });
  it('flags common words and the username', () => {
    expect(passwordStrength('mypassword123').score).toBe(1);
    expect(passwordStrength('alice-rocks-2026', 'alice').score).toBe(1);
  });
  it('rates long mixed passphrases strong', () => {
    expect(passwordStrength('Correct horse battery staple 9!').score).toBe(4);
  });
  it('rates longer passwords above shorter ones', () => {
    expect(passwordStrength('kq8vz3ma1p').score).toBeLessThan(passwordStrength('kq8vz3ma1pxx7w2e9r').score);
  });
});
