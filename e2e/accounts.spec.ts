import { expect, test } from '@playwright/test';
import { createUserWithCli, signIn, signOut, uniqueName } from './helpers';

test('a CLI-made account signs in, lands on Inbox and stays signed in after a reload', async ({ page }) => {
  const username = uniqueName('cli');
  const password = 'cli-password-0123';
  const phrase = await createUserWithCli(username, password);
  expect(phrase.split(' ')).toHaveLength(24);

  const started = Date.now();
  await signIn(page, username, password);
  test.info().annotations.push({ type: 'sign-in ms', description: String(Date.now() - started) });
  await expect(page.getByTestId('current-address')).toHaveText(`${username}@localhost`);

  await page.reload();
  await expect(page.getByRole('heading', { name: 'Inbox' })).toBeVisible();
  await expect(page.getByLabel('Password')).toHaveCount(0);
});

test('register in the browser, sign out and in, reload, recover with the phrase; the old password fails', async ({ page }) => {
  const username = uniqueName('web');
  const password = 'first-Password-2026!';
  const newPassword = 'second-Password-2027?';

  await page.goto('/register');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill('short');
  await expect(page.getByTestId('password-strength')).toContainText('Too short');
  await page.getByLabel('Password', { exact: true }).fill(password);
  await expect(page.getByTestId('password-strength')).toContainText('Strength:');
  await page.getByLabel('Confirm password').fill('something else entirely');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText('The passwords do not match.')).toBeVisible();
  await page.getByLabel('Confirm password').fill(password);

  const registerStarted = Date.now();
  await page.getByRole('button', { name: 'Create account' }).click();
  const phraseList = page.getByTestId('recovery-phrase');
  await expect(phraseList).toBeVisible({ timeout: 60_000 });
  const keysReady = Date.now() - registerStarted;
  const words = (await phraseList.locator('li span:last-child').allTextContents()).map((w) => w.trim());
  expect(words).toHaveLength(24);

  await page.getByLabel('I have saved my recovery phrase somewhere safe.').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  const prompts = page.getByLabel(/^Word \d+$/);
  await expect(prompts).toHaveCount(3);
  // A wrong word is refused before anything is saved.
  for (let i = 0; i < 3; i++) await prompts.nth(i).fill('wrong');
  await page.getByRole('button', { name: 'Confirm and create account' }).click();
  await expect(page.getByTestId('alert-error')).toContainText('do not match');
  for (let i = 0; i < 3; i++) {
    const label = (await prompts.nth(i).getAttribute('id'))!;
    const n = Number((await page.locator(`label[for="${label}"]`).textContent())!.replace('Word ', ''));
    await prompts.nth(i).fill(words[n - 1]!);
  }
  const confirmStarted = Date.now();
  await page.getByRole('button', { name: 'Confirm and create account' }).click();
  await expect(page.getByRole('heading', { name: 'Inbox' })).toBeVisible();
  test.info().annotations.push({ type: 'register: keys+Argon2id x2 ms', description: String(keysReady) });
  test.info().annotations.push({ type: 'register: upload+sign-in+unlock ms', description: String(Date.now() - confirmStarted) });

  await signOut(page);
  // Signed out means signed out: the inbox sends us back to the login page.
  await page.goto('/inbox');
  await expect(page).toHaveURL(/\/login/);

  await signIn(page, username, password);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Inbox' })).toBeVisible();
  await signOut(page);

  await page.getByRole('link', { name: 'Forgot password?' }).click();
  // The login page has a Username field too: fill the reset form's only once it is there.
  await expect(page.getByRole('heading', { name: 'Reset your password' })).toBeVisible();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Recovery phrase').fill(words.join(' '));
  await page.getByLabel('New password', { exact: true }).fill(newPassword);
  await page.getByLabel('Confirm new password').fill(newPassword);
  await page.getByRole('button', { name: 'Reset password' }).click();
  await expect(page.getByRole('heading', { name: 'Inbox' })).toBeVisible({ timeout: 60_000 });
  await signOut(page);

  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('alert-error')).toHaveText('Wrong username or password.');

  await signIn(page, username, newPassword);
});

test('an unknown user and a wrong password get the same answer', async ({ page }) => {
  const username = uniqueName('known');
  await createUserWithCli(username, 'known-password-1');
  const messages: string[] = [];
  for (const name of [username, uniqueName('nobody')]) {
    await page.goto('/login');
    await page.getByLabel('Username').fill(name);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByTestId('alert-error');
    await expect(alert).toBeVisible();
    messages.push((await alert.textContent())!);
  }
  expect(messages[0]).toBe('Wrong username or password.');
  expect(messages[1]).toBe(messages[0]);
});

test('revoking a session in Settings signs that browser out at its next request', async ({ browser }) => {
  const username = uniqueName('multi');
  const password = 'multi-device-pass-1';
  await createUserWithCli(username, password);
  const laptop = await browser.newPage();
  const phone = await browser.newPage({ userAgent: 'SealpostPhone/1.0' });
  await signIn(laptop, username, password);
  await signIn(phone, username, password);

  await laptop.goto('/settings');
  const phoneRow = laptop.getByRole('listitem').filter({ hasText: 'SealpostPhone/1.0' });
  await expect(phoneRow).toBeVisible();
  await phoneRow.getByRole('button', { name: 'Revoke' }).click();
  await expect(phoneRow).toHaveCount(0);

  await phone.reload();
  await expect(phone).toHaveURL(/\/login/);
  // The laptop's own session is untouched.
  await laptop.goto('/inbox');
  await expect(laptop.getByRole('heading', { name: 'Inbox' })).toBeVisible();
});
