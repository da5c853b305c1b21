import { type Page, expect, test } from '@playwright/test';
import { INSTANCE_WIDE } from '../playwright.config';
import { cli, fillRegistration, uniqueName } from './helpers';
import { type E2eUser, forgetSession, newUser, openMailbox } from './session';

/**
 * The admin console in Chromium: Settings → Administration (and /admin), users, limits, invitations,
 * registration policy, audit log and status; and "Delete account" in Settings.
 */
let admin: E2eUser;

test.beforeAll(async () => {
  admin = await newUser('admin');
  await cli('user', 'promote', admin.username);
});

async function openConsole(page: Page, tab?: string) {
  await openMailbox(page, admin, '/admin');
  await expect(page).toHaveURL(/\/settings\/admin$/);
  await expect(page.getByRole('heading', { name: 'Administration' })).toBeVisible();
  if (tab) await page.getByRole('tab', { name: tab }).click();
}

test('an admin finds users, disables, enables, promotes, demotes and sets limits; the user sees their quota', async ({ page }) => {
  const target = await newUser('member');
  await openMailbox(page, admin, '/settings');
  await page.getByRole('link', { name: 'Open the admin console' }).click();
  await expect(page.getByRole('heading', { name: 'Administration' })).toBeVisible();

  await page.getByLabel('Search users').fill(target.username.slice(0, 10));
  const row = page.getByTestId(`user-row-${target.username}`);
  await expect(row).toContainText(target.address);
  await expect(row.getByRole('cell').nth(5)).toHaveText('Off'); // no second factor yet
  const actions = row.getByRole('group', { name: `Actions for ${target.username}` });

  await actions.getByRole('button', { name: 'Disable' }).click();
  await expect(row).toContainText('Disabled');
  await actions.getByRole('button', { name: 'Enable' }).click();
  await expect(row).not.toContainText('Disabled');
  await actions.getByRole('button', { name: 'Promote' }).click();
  await expect(row.getByRole('cell').nth(6)).toHaveText('Admin');
  await actions.getByRole('button', { name: 'Demote' }).click();
  await expect(row.getByRole('cell').nth(6)).toHaveText('User');

  await actions.getByRole('button', { name: 'Limits' }).click();
  const limits = page.getByRole('form', { name: `Limits for ${target.username}` });
  await limits.getByLabel('Recipients per hour').fill('many');
  await limits.getByRole('button', { name: 'Save limits' }).click();
  await expect(limits.getByText('Enter a whole number, or leave it empty for the default.')).toBeVisible();
  await limits.getByLabel('Recipients per hour').fill('7');
  await limits.getByLabel('Storage quota').fill('5');
  await limits.getByRole('button', { name: 'Save limits' }).click();
  await expect(limits.getByRole('status')).toHaveText('Saved.');
  await expect(row).toContainText('/ 5.0 MB');

  // Every action above is in the audit log, filtered to the admin's actions.
  await page.getByRole('tab', { name: 'Audit log' }).click();
  await page.getByLabel('User').fill(admin.username);
  await page.getByLabel('Event', { exact: true }).fill('admin.');
  await page.getByRole('button', { name: 'Filter' }).click();
  const audit = page.getByRole('table', { name: 'Audit events' });
  for (const event of [
    'admin.user.disabled',
    'admin.user.enabled',
    'admin.user.promoted',
    'admin.user.demoted',
    'admin.user.quota-set',
    'admin.user.send-limits-set',
  ]) {
    await expect(audit.getByRole('cell', { name: event, exact: true })).toBeVisible();
  }

  // The user sees their usage against the new quota, and can't open the console.
  await openMailbox(page, target, '/settings');
  await expect(page.getByTestId('storage-usage')).toHaveText('0 B used of 5.0 MB');
  await expect(page.getByRole('link', { name: 'Open the admin console' })).toHaveCount(0);
  await page.goto('/settings/admin');
  await expect(page.getByText('Only administrators can see this page.')).toBeVisible();
  await expect(page.getByRole('tab')).toHaveCount(0);
});

test('instance status and the outbound queue', async ({ page }) => {
  await openConsole(page, 'Status');
  await expect(page.getByText('Web', { exact: true }).locator('..')).toContainText('running');
  await expect(page.getByText('SMTP', { exact: true }).locator('..')).toContainText('running');
  await expect(page.getByText('Database', { exact: true }).locator('..')).toContainText('PostgreSQL');
  await expect(page.getByText(/^Sealpost \d+\.\d+\.\d+$/)).toBeVisible();
  await page.getByRole('tab', { name: 'Outbound queue' }).click();
  await expect(page.getByRole('heading', { name: 'Waiting to go out' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Dead letters' })).toBeVisible();
});

test('invitation-only registration: the link registers one account, once', { tag: INSTANCE_WIDE }, async ({ page, browser }) => {
  await openConsole(page, 'Registration');
  await page.getByRole('radio', { name: /Invitation only/ }).click();
  await expect(page.getByRole('radio', { name: /Invitation only/ })).toBeChecked();
  try {
    const visitor = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const stranger = await visitor.newPage();
    await stranger.goto('/register');
    await expect(stranger.getByRole('heading', { name: 'Registration is by invitation' })).toBeVisible();

    await page.getByRole('button', { name: 'Create invitation link' }).click();
    const link = await page.getByLabel('Invitation link (shown once)').inputValue();
    expect(link).toMatch(/\/register\?invite=[A-Za-z0-9_-]{32}$/);

    const username = uniqueName('invited');
    await stranger.goto(link);
    await fillRegistration(stranger, username, 'invited-password-42');
    await stranger.getByRole('button', { name: 'Confirm and create account' }).click();
    await expect(stranger.getByRole('heading', { name: 'Inbox' })).toBeVisible({ timeout: 60_000 });

    const again = await (await browser.newContext()).newPage();
    await again.goto(link);
    await expect(again.getByRole('heading', { name: "This invitation can't be used" })).toBeVisible();
    await page.reload();
    await page.getByRole('tab', { name: 'Registration' }).click();
    await expect(page.getByRole('list', { name: 'Recent invitations' })).toContainText(`used by ${username}`);
  } finally {
    await page.getByRole('radio', { name: /Open/ }).click();
    await expect(page.getByRole('radio', { name: /Open/ })).toBeChecked();
  }
});

test('a user deletes their own account with their password', async ({ page }) => {
  const user = await newUser('leaving');
  await openMailbox(page, user, '/settings');
  const form = page.getByRole('form', { name: 'Delete account' });
  await form.getByLabel('I understand').check();
  await form.getByLabel('Your password').fill('not-my-password');
  await form.getByRole('button', { name: 'Delete my account' }).click();
  await expect(form.getByText('That is not your password. Your account was not deleted.')).toBeVisible();

  await form.getByLabel('Your password').fill(user.password);
  await form.getByRole('button', { name: 'Delete my account' }).click();
  await expect(page).toHaveURL(/\/login/);
  forgetSession(user);
  expect(await cli('user', 'list', user.username)).toBe('');
});
