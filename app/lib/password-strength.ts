/**
 * A quick strength hint for the sign-up form. It is a hint, not a gate beyond the minimum length:
 * Argon2id does the heavy lifting, and the hint nudges people toward long passphrases.
 */
export type Strength = { score: 0 | 1 | 2 | 3 | 4; label: string; hint: string };

export const MIN_PASSWORD_LENGTH = 10;

const COMMON = ['password', '123456', 'qwerty', 'letmein', 'welcome', 'iloveyou', 'admin', 'sealpost', 'abc123', 'monkey', 'dragon'];

export function passwordStrength(password: string, username = ''): Strength {
  if (password.length === 0) return { score: 0, label: '', hint: `Use at least ${MIN_PASSWORD_LENGTH} characters.` };
  const lower = password.toLowerCase();
  if (password.length < MIN_PASSWORD_LENGTH) {
    return { score: 0, label: 'Too short', hint: `Use at least ${MIN_PASSWORD_LENGTH} characters.` };
  }
  if (COMMON.some((w) => lower.includes(w)) || (username.length >= 3 && lower.includes(username.toLowerCase()))) {
    return { score: 1, label: 'Weak', hint: 'Avoid common words and your username.' };
  }
  if (/^(.)\1+$/.test(password) || /^(0123456789|abcdefghij)/i.test(password)) {
    return { score: 1, label: 'Weak', hint: 'Avoid repeated or sequential characters.' };
  }
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  const words = password.trim().split(/\s+/).length;
  let score = 1 + (password.length >= 14 ? 1 : 0) + (password.length >= 20 || words >= 4 ? 1 : 0) + (classes >= 3 ? 1 : 0);
  score = Math.min(score, 4);
  const labels = ['Too short', 'Weak', 'Fair', 'Good', 'Strong'] as const;
  const hint = score >= 4 ? 'Great: hard to guess.' : 'Longer is stronger: try four or more random words.';
  return { score: score as Strength['score'], label: labels[score], hint };
}
