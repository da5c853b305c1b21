import { type Page, expect, test } from '@playwright/test';
import { INSTANCE_WIDE } from '../playwright.config';
import { Secret, TOTP } from 'otpauth';
import pg from 'pg';
import { cli, createUserWithCli, databaseUrl, signOut, uniqueName } from './helpers';
import { sendWithSwaks } from './mail-helpers';
import { forgetSession, newUser, openMailbox } from './session';

/**
 * Settings → Account and security, and the sign-in it changes: password change, a new recovery
 * phrase, display name, TOTP (codes computed here), passkeys (Chromium's virtual authenticator over
 * CDP) and the instance-wide "require 2FA".
 */
const DELIVERY = { timeout: 30_000 };
const KEY_WORK = { timeout: 60_000 };

/** The code an authenticator app would show `offsetSteps` 30-second steps from now. */
function totpCode(secret: string, offsetSteps = 0): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: Date.now() + offsetSteps * 30_000 });
}

async function submitPassword(page: Page, username: string, password: string) {
  await page.goto('/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Sign-in through the form to the inbox, with room for two Argon2id runs on a busy machine. */
async function signInToInbox(page: Page, username: string, password: string) {
  await submitPassword(page, username, password);
  await expect(page.getByRole('heading', { name: 'Inbox' })).toBeVisible(KEY_WORK);
}

async function saveRecoveryCodes(page: Page): Promise<string[]> {
  const list = page.getByTestId('recovery-codes');
  await expect(list).toBeVisible();
  const codes = (await list.locator('li').allTextContents()).map((c) => c.trim());
  expect(codes).toHaveLength(10);
  await page.getByLabel('I have saved my recovery codes.').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  return codes;
}

/** Settings: set up the authenticator app with a code computed here; returns the secret and recovery codes. */
async function enrolTotp(page: Page) {
  await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
  const secret = (await page.getByTestId('totp-secret').textContent())!.trim();
  await expect(page.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  await page.getByLabel('6-digit code').fill('000000');
  await page.getByRole('button', { name: 'Turn on' }).click();
  await expect(page.getByText('That code is not right.')).toBeVisible();
  await page.getByLabel('6-digit code').fill(totpCode(secret));
  await page.getByRole('button', { name: 'Turn on' }).click();
  return { secret, codes: await saveRecoveryCodes(page) };
}

async function keyringStatus(page: Page): Promise<number> {
  return (await page.request.get('/api/trpc/account.keyring')).status();
}

test('changing the password: the old one fails, the new one works, another session is signed out, old mail still decrypts', async ({ page, browser }) => {
  test.slow(); // six Argon2id runs in the browser
  const user = await newUser('pwchange');
  const subject = uniqueName('Before the change ');
  await sendWithSwaks({ to: user.address, subject, body: 'Written under the old password.' });
  const newPassword = 'Quiet harbour lantern 47';

  await signInToInbox(page, user.username, user.password);
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signInToInbox(otherPage, user.username, user.password);

  await page.goto('/settings/account');
  const form = page.getByRole('form', { name: 'Change password' });
  await form.getByLabel('Current password').fill('not-my-password-1');
  await form.getByLabel('New password', { exact: true }).fill(newPassword);
  await form.getByLabel('Repeat new password').fill(newPassword);
  await form.getByRole('button', { name: 'Change password' }).click();
  await expect(form.getByText('Your current password is not right.')).toBeVisible(KEY_WORK);
  await form.getByLabel('Current password').fill(user.password);
  await form.getByRole('button', { name: 'Change password' }).click();
  await expect(form.getByTestId('alert-success')).toContainText('1 other session was signed out', KEY_WORK);

  // The other browser is signed out at its next request.
  await otherPage.reload();
  await expect(otherPage).toHaveURL(/\/login/);
  await other.close();

  // This tab re-sealed its key under the new password: a reload still opens the mail.
  await page.goto('/inbox');
  await page.getByTestId('message-row').filter({ hasText: subject }).click();
  await expect(page.getByTestId('message-text')).toContainText('Written under the old password.', DELIVERY);
  await signOut(page);

  await submitPassword(page, user.username, user.password);
  await expect(page.getByTestId('alert-error')).toHaveText('Wrong username or password.');
  await signInToInbox(page, user.username, newPassword);
  await page.getByTestId('message-row').filter({ hasText: subject }).click();
  await expect(page.getByTestId('message-text')).toContainText('Written under the old password.');
});

test('a new recovery phrase replaces the old one; the display name is saved', async ({ page }) => {
  const username = uniqueName('phrase');
  const password = 'phrase-user-pass-1';
  const oldPhrase = await createUserWithCli(username, password);
  const user = { username, password };
  await openMailbox(page, user, '/settings/account');

  const nameForm = page.getByRole('form', { name: 'Display name' });
  await nameForm.getByLabel('Display name').fill('Ada <Lovelace>');
  await nameForm.getByRole('button', { name: 'Save' }).click();
  await expect(nameForm.getByText('Leave out < > " \\ and line breaks.')).toBeVisible();
  await nameForm.getByLabel('Display name').fill('Ada Lovelace');
  await nameForm.getByRole('button', { name: 'Save' }).click();
  await expect(nameForm.getByTestId('alert-success')).toBeVisible();
  // On a phone-sized screen the page fits its width: nothing to scroll sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await expect(page.getByRole('form', { name: 'Display name' }).getByLabel('Display name')).toHaveValue('Ada Lovelace');
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  const phraseForm = page.getByRole('form', { name: 'New recovery phrase' });
  await phraseForm.getByLabel('Password').fill(password);
  await phraseForm.getByRole('button', { name: 'Make a new recovery phrase' }).click();
  const phraseList = page.getByTestId('recovery-phrase');
  await expect(phraseList).toBeVisible(KEY_WORK);
  const newPhrase = (await phraseList.locator('li span:last-child').allTextContents()).map((w) => w.trim()).join(' ');
  expect(newPhrase).not.toBe(oldPhrase);
  await page.getByLabel('I have saved my recovery phrase somewhere safe.').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByText('The old one no longer works.')).toBeVisible();
  await signOut(page);
  forgetSession(user);

  for (const phrase of [oldPhrase, newPhrase]) {
    await page.goto('/recover');
    await expect(page.getByRole('heading', { name: 'Reset your password' })).toBeVisible();
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Recovery phrase').fill(phrase);
    await page.getByLabel('New password', { exact: true }).fill('after-recovery-pass-9');
    await page.getByLabel('Confirm new password').fill('after-recovery-pass-9');
    await page.getByRole('button', { name: 'Reset password' }).click();
    if (phrase === oldPhrase) await expect(page.getByTestId('alert-error')).toHaveText('That recovery phrase does not match this username.', KEY_WORK);
    else await expect(page.getByRole('heading', { name: 'Inbox' })).toBeVisible(KEY_WORK);
  }
});

test('TOTP: enrol with a code computed by the test; sign-in asks for a code, withholds the key until then, and takes a recovery code once', async ({
  page,
}) => {
  test.slow(); // four sign-ins
  const user = await newUser('totp');
  await openMailbox(page, user, '/settings/account');
  const { secret, codes } = await enrolTotp(page);
  await expect(page.getByTestId('totp-state')).toHaveText('on');
  await expect(page.getByTestId('recovery-codes-left')).toHaveText('10 of 10 unused.');
  await signOut(page);
  forgetSession(user);

  await submitPassword(page, user.username, user.password);
  await expect(page.getByRole('heading', { name: 'Two-factor authentication' })).toBeVisible(KEY_WORK);
  // Password alone: no wrapped key, no mailbox.
  expect(await keyringStatus(page)).toBe(401);
  await page.getByLabel('Authentication code').fill('123456' === totpCode(secret, 1) ? '654321' : '123456');
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByTestId('alert-error')).toHaveText('That code is not right. Try again.');
  // The next step's code: the enrolment step's code has been used and would be refused.
  await page.getByLabel('Authentication code').fill(totpCode(secret, 1));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('heading', { name: 'Inbox' })).toBeVisible(KEY_WORK);
  expect(await keyringStatus(page)).toBe(200);
  await signOut(page);

  await submitPassword(page, user.username, user.password);
  await page.getByLabel('Authentication code').fill(codes[0]!);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('heading', { name: 'Inbox' })).toBeVisible(KEY_WORK);
  await page.goto('/settings/account');
  await expect(page.getByTestId('recovery-codes-left')).toHaveText('9 of 10 unused.');
  await signOut(page);

  await submitPassword(page, user.username, user.password);
  await page.getByLabel('Authentication code').fill(codes[0]!);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByTestId('alert-error')).toHaveText('That code is not right. Try again.');
});

test('WebAuthn: a passkey made by Chromium’s virtual authenticator is the second factor at sign-in', async ({ page }) => {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
  });
  const user = await newUser('passkey');
  await openMailbox(page, user, '/settings/account');
  await page.getByLabel('Passkey name').fill('Virtual key');
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  await saveRecoveryCodes(page);
  await expect(page.getByRole('list', { name: 'Passkeys' })).toContainText('Virtual key');
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  expect(credentials).toHaveLength(1);
  await signOut(page);
  forgetSession(user);

  await submitPassword(page, user.username, user.password);
  await expect(page.getByRole('heading', { name: 'Two-factor authentication' })).toBeVisible(KEY_WORK);
  expect(await keyringStatus(page)).toBe(401);
  await page.getByRole('button', { name: 'Use a passkey' }).click();
  await expect(page.getByRole('heading', { name: 'Inbox' })).toBeVisible(KEY_WORK);
  const after = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  expect(after.credentials[0]!.signCount).toBeGreaterThan(credentials[0]!.signCount);
  await signOut(page);
});

test('with 2FA required for everyone, a user without it sets it up before reaching the mailbox', { tag: INSTANCE_WIDE }, async ({ page }) => {
  test.slow(); // three sign-ins and a password check
  const client = new pg.Client({ connectionString: await databaseUrl() });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO instance_settings (key, value, updated_at) VALUES ('require_two_factor', 'true', now())
       ON CONFLICT (key) DO UPDATE SET value = 'true', updated_at = now()`,
    );
    const user = await newUser('required');
    await submitPassword(page, user.username, user.password);
    await expect(page.getByRole('heading', { name: 'Set up two-factor authentication' })).toBeVisible(KEY_WORK);
    expect(await keyringStatus(page)).toBe(401);
    await page.goto('/inbox');
    await expect(page).toHaveURL(/\/login/);

    await submitPassword(page, user.username, user.password);
    await expect(page.getByRole('heading', { name: 'Set up two-factor authentication' })).toBeVisible(KEY_WORK);
    await enrolTotp(page);
    await expect(page.getByRole('heading', { name: 'Inbox' })).toBeVisible(KEY_WORK);

    // Turning the only factor off is refused while the server requires one.
    await page.goto('/settings/account');
    await page.getByRole('button', { name: 'Turn off authenticator app' }).click();
    await page.getByLabel('Your password').fill(user.password);
    await page.getByRole('button', { name: 'Turn off', exact: true }).click();
    await expect(page.getByText('This server requires two-factor authentication.').last()).toBeVisible(KEY_WORK);
    await expect(page.getByTestId('totp-state')).toHaveText('on');
  } finally {
    await client.query(`DELETE FROM instance_settings WHERE key = 'require_two_factor'`);
    await client.end();
  }
});

test('turning on required 2FA sends a signed-in user without it to enrolment at the next step; then the mailbox opens without the password', {
  tag: INSTANCE_WIDE,
}, async ({ page, browser }) => {
  test.slow(); // two TOTP enrolments, two mailboxes
  const admin = await newUser('gateadmin');
  await cli('user', 'promote', admin.username);
  const user = await newUser('gated');
  const adminContext = await browser.newContext();
  const adminPage = await adminContext.newPage();
  const requirement = adminPage.getByLabel('Require 2FA for everyone');
  try {
    // The admin has a second factor, so the requirement doesn't stop them.
    await openMailbox(adminPage, admin, '/settings/account');
    await enrolTotp(adminPage);
    await openMailbox(page, user);
    expect(await keyringStatus(page)).toBe(200);

    await adminPage.goto('/settings/admin');
    await adminPage.getByRole('tab', { name: 'Registration' }).click();
    // The box follows the server's answer, so click and wait rather than check() at once.
    await requirement.click();
    await expect(requirement).toBeChecked();
    await expect(requirement).toBeEnabled();

    // The user's very next request: no key, no mail, only the enrolment gate, still signed in.
    expect(await keyringStatus(page)).toBe(401);
    await page.goto('/settings');
    await expect(page).toHaveURL(/\/login/);
    await expect(page.getByRole('heading', { name: 'Set up two-factor authentication' })).toBeVisible(KEY_WORK);
    await expect(page.getByLabel('Password')).toHaveCount(0);
    await enrolTotp(page);
    await expect(page.getByRole('heading', { name: 'Inbox' })).toBeVisible(KEY_WORK);
    expect(await keyringStatus(page)).toBe(200);

    await requirement.click();
    await expect(requirement).not.toBeChecked();
    await expect(requirement).toBeEnabled();
  } finally {
    // Every later test's saved sessions must work again, whatever happened above.
    const client = new pg.Client({ connectionString: await databaseUrl() });
    await client.connect();
    await client.query(`DELETE FROM instance_settings WHERE key = 'require_two_factor'`);
    await client.query('UPDATE sessions SET second_factor_pending = false, two_factor_gated_at = NULL WHERE two_factor_gated_at IS NOT NULL');
    await client.end();
    await adminContext.close();
  }
});
