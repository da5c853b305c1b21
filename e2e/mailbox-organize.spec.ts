import AxeBuilder from '@axe-core/playwright';
import { type Page, expect, test } from '@playwright/test';
import pg from 'pg';
import { databaseUrl, uniqueName } from './helpers';
import { sendWithSwaks } from './mail-helpers';
import { type E2eUser, newUser, openMailbox } from './session';

// These tests are about the plain message list (checkboxes, bulk actions, row shortcuts); the copies
// of one message they make would group into one conversation. Conversation view runs the same
// selection, toolbar and shortcuts on whole conversations (e2e/conversations.spec.ts).
test.beforeEach(async ({ page }) => {
  await page.addInitScript(() => localStorage.setItem('sealpost.conversation-view', 'off'));
});

/**
 * Folders, labels, stars, bulk actions, Undo and shortcuts in Chromium against the whole system,
 * plus axe-core on the main screens and phone-sized screenshots (written to the temp folder).
 */
const DELIVERY = { timeout: 60_000 };
const rows = (page: Page) => page.getByTestId('message-row');

async function query<T extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<T[]> {
  const client = new pg.Client({ connectionString: await databaseUrl() });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** One message through the MX, then `copies - 1` copies of its ciphertext, each a minute older. */
async function mailboxWith(page: Page, copies: number): Promise<E2eUser> {
  const user = await newUser('org');
  const subject = uniqueName('Bulk ');
  await sendWithSwaks({ to: user.address, subject, body: 'One of many.' });
  await openMailbox(page, user);
  await expect(rows(page).filter({ hasText: subject })).toBeVisible(DELIVERY);
  if (copies > 1) {
    await query(
      `INSERT INTO messages (user_id, folder, seen, received_at, size, raw_ciphertext, summary_ciphertext)
       SELECT m.user_id, 'inbox', false, m.received_at - g * interval '1 minute', m.size, m.raw_ciphertext, m.summary_ciphertext
       FROM messages m JOIN users u ON u.id = m.user_id, generate_series(1, $2::int - 1) AS g WHERE u.username = $1`,
      [user.username, copies],
    );
    await page.reload();
    await expect(rows(page)).toHaveCount(Math.min(copies, 50));
  }
  return user;
}

const folderCount = async (user: E2eUser, folder: string) =>
  Number(
    (
      await query<{ n: string }>('SELECT count(*) AS n FROM messages m JOIN users u ON u.id = m.user_id WHERE u.username = $1 AND m.folder = $2', [
        user.username,
        folder,
      ])
    )[0]!.n,
  );

test('300+ messages archived in one action (pages not loaded included), then Undo; star; Empty Trash', async ({ page }) => {
  const user = await mailboxWith(page, 320);
  await page.getByTestId('select-page').check();
  await expect(page.getByTestId('selected-count')).toHaveText('50 selected');
  await page.getByRole('button', { name: 'Select all 320 in Inbox' }).click();
  await expect(page.getByTestId('selected-count')).toHaveText('320 selected');
  await page.getByRole('toolbar', { name: 'Selected messages' }).getByRole('button', { name: 'Archive' }).click();
  await expect(page.getByTestId('undo-toast')).toContainText('320 message(s) archived.');
  await expect(page.getByText('No messages yet.')).toBeVisible();
  expect(await folderCount(user, 'archive')).toBe(320);

  await page.getByTestId('undo-toast').getByRole('button', { name: 'Undo' }).click();
  await expect(rows(page)).toHaveCount(50);
  expect(await folderCount(user, 'inbox')).toBe(320);

  // Star from the row.
  const first = page.getByTestId('message-row-wrap').first();
  await first.getByTestId('row-star').click();
  await expect(first.getByTestId('message-row')).toHaveAttribute('data-starred', 'true');
  const starred = await query<{ n: string }>('SELECT count(*) AS n FROM messages m JOIN users u ON u.id = m.user_id WHERE u.username = $1 AND starred', [
    user.username,
  ]);
  expect(Number(starred[0]!.n)).toBe(1);

  // Two rows to Trash with a Shift-click range, then Empty Trash behind its dialog.
  await page.getByTestId('row-checkbox').nth(0).click();
  await page
    .getByTestId('row-checkbox')
    .nth(1)
    .click({ modifiers: ['Shift'] });
  await expect(page.getByTestId('selected-count')).toHaveText('2 selected');
  await page.getByRole('toolbar', { name: 'Selected messages' }).getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByTestId('undo-toast')).toContainText('2 message(s) moved to Trash.');
  await page.getByRole('button', { name: 'Trash', exact: true }).click();
  await expect(rows(page)).toHaveCount(2);
  await page.getByRole('button', { name: 'Empty Trash…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Empty Trash?' });
  await expect(dialog).toContainText('2 messages in Trash will be deleted for good');
  await dialog.getByRole('button', { name: 'Delete 2 for good' }).click();
  await expect(page.getByText('Trash is empty.')).toBeVisible();
  expect(await folderCount(user, 'trash')).toBe(0);
  expect(await folderCount(user, 'inbox')).toBe(318);
});

test('a label: made in the browser, its name only ciphertext in the database, put on a message, counted unread', async ({ page }) => {
  const user = await mailboxWith(page, 3);
  const name = uniqueName('Receipts ');
  await page.getByRole('button', { name: '+ New label' }).click();
  const dialog = page.getByRole('dialog', { name: 'New label' });
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByLabel('green').check();
  await dialog.getByRole('button', { name: 'Create label' }).click();
  await expect(dialog).toBeHidden();

  const stored = await query<{ name_ciphertext: Buffer; color: string }>(
    'SELECT l.name_ciphertext, l.color FROM mail_labels l JOIN users u ON u.id = l.user_id WHERE u.username = $1',
    [user.username],
  );
  expect(stored).toHaveLength(1);
  expect(stored[0]!.color).toBe('green');
  expect(stored[0]!.name_ciphertext.includes(Buffer.from(name))).toBe(false);
  expect(stored[0]!.name_ciphertext.includes(Buffer.from('Receipts'))).toBe(false);

  await page.getByTestId('row-checkbox').nth(0).click();
  await page.getByTestId('row-checkbox').nth(1).click();
  await page.getByLabel('Add a label').selectOption({ label: name });
  await expect(page.getByTestId('row-label').filter({ hasText: name })).toHaveCount(2);
  await expect(page.getByTestId('nav-label').filter({ hasText: name })).toContainText('2');
  // After a reload the name is decrypted again from the ciphertext.
  await page.reload();
  await expect(page.getByTestId('row-label').filter({ hasText: name })).toHaveCount(2);
});

test('shortcuts: s x e z Shift+I Shift+U # g t g i, ? lists them, and the setting turns them off', async ({ page }) => {
  const user = await mailboxWith(page, 4);
  const firstRow = rows(page).first();
  await firstRow.focus();
  await page.keyboard.press('s');
  await expect(firstRow).toHaveAttribute('data-starred', 'true');
  await page.keyboard.press('Shift+I');
  await expect(firstRow).toHaveAttribute('data-unread', 'false');
  await page.keyboard.press('Shift+U');
  await expect(firstRow).toHaveAttribute('data-unread', 'true');
  await page.keyboard.press('x');
  await expect(page.getByTestId('row-checkbox').first()).toBeChecked();
  await page.keyboard.press('e');
  await expect(page.getByTestId('undo-toast')).toContainText('1 message(s) archived.');
  await expect(rows(page)).toHaveCount(3);
  await page.keyboard.press('z');
  await expect(rows(page)).toHaveCount(4);

  await rows(page).first().focus();
  await page.keyboard.press('#');
  await expect(rows(page)).toHaveCount(3);
  expect(await folderCount(user, 'trash')).toBe(1);
  await page.keyboard.press('g');
  await page.keyboard.press('t');
  await expect(page.getByRole('heading', { level: 1, name: 'Trash' })).toBeVisible();
  await page.keyboard.press('g');
  await page.keyboard.press('i');
  await expect(page.getByRole('heading', { level: 1, name: 'Inbox' })).toBeVisible();

  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  for (const key of ['c', 'r', 'a', 'f', 'e', '#', 's', '!', '/', 'x', 'u', 'l', 'v', 'z', 'g i', 'g s', 'g d', 'g t', 'Shift+I', 'Shift+U', '?']) {
    await expect(help.locator('kbd', { hasText: new RegExp(`^${key.replace(/[?+/]/g, '\\$&')}$`) }).first()).toBeVisible();
  }
  await help.getByLabel('Keyboard shortcuts on').uncheck();
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();
  await rows(page).first().focus();
  await page.keyboard.press('e');
  await page.keyboard.press('?');
  await expect(help).toBeHidden();
  await expect(rows(page)).toHaveCount(3);
  // The setting is reachable without the keyboard shortcut, and turns them back on.
  await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
  await help.getByLabel('Keyboard shortcuts on').check();
  await help.getByRole('button', { name: 'Close' }).click();
  await rows(page).first().focus();
  await page.keyboard.press('e');
  await expect(rows(page)).toHaveCount(2);
});

async function expectNoSeriousViolations(page: Page, where: string) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${where}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

test('axe-core finds no serious or critical violations on the inbox, a message, compose and settings', async ({ page }) => {
  await mailboxWith(page, 2);
  await expectNoSeriousViolations(page, 'inbox');
  await rows(page).first().click();
  await expect(page.getByTestId('message-text')).toBeVisible();
  await expectNoSeriousViolations(page, 'message');
  await page.getByRole('heading', { name: 'Inbox' }).click();
  await page.keyboard.press('c');
  await expect(page.getByTestId('compose')).toBeVisible();
  await expectNoSeriousViolations(page, 'compose');
  await page.goto('/settings');
  await expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible();
  await expectNoSeriousViolations(page, 'settings');
});

test.describe('at 390×844', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('screenshots of the inbox, a message, compose and the domains page, nothing wider than the screen', async ({ page }) => {
    const dir = process.env.E2E_SHOTS_DIR ?? test.info().outputPath('shots');
    await mailboxWith(page, 3);
    const fits = async () => expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await fits();
    await page.screenshot({ path: `${dir}/inbox.png` });
    await rows(page).first().click();
    await expect(page.getByTestId('message-text')).toBeVisible();
    await fits();
    await page.screenshot({ path: `${dir}/message.png` });
    await page.getByRole('button', { name: 'Back' }).click();
    await page.getByRole('button', { name: 'New message' }).click();
    await expect(page.getByTestId('compose')).toBeVisible();
    await fits();
    await page.screenshot({ path: `${dir}/compose.png` });
    await page.goto('/settings/domains');
    const domain = `${uniqueName('shot')}.example`;
    await page.getByLabel('Domain', { exact: true }).fill(domain);
    await page.getByLabel('Domain', { exact: true }).press('Enter');
    await expect(page.getByTestId('record-mx').first()).toBeVisible();
    await page.getByTestId('record-mx').first().scrollIntoViewIfNeeded();
    await fits();
    await page.screenshot({ path: `${dir}/domains.png` });
  });
});
