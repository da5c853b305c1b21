import { type Page, expect, test } from '@playwright/test';
import pg from 'pg';
import { composeMessage } from './compose-helpers';
import { databaseUrl, uniqueName } from './helpers';
import { sendWithSwaks } from './mail-helpers';
import { forgetSession, newUser, openMailbox } from './session';

// These tests are about the plain message list (checkboxes, bulk actions, row shortcuts), which
// conversation view (on by default; e2e/conversations.spec.ts) doesn't offer yet.
test.beforeEach(async ({ page }) => {
  await page.addInitScript(() => localStorage.setItem('sealpost.conversation-view', 'off'));
});

/**
 * The bugs of issue #12's trial, each shown fixed in the browser: plain-text links, no auth badges
 * on your own mail, the Scheduled view (subjects, nothing in Sent until it goes, a toast that goes
 * away), a revoked session wiping the tab, the phone layout, the editor's names and the contrast of
 * the selected row.
 */
const DELIVERY = { timeout: 60_000 };
const row = (page: Page, subject: string) => page.getByTestId('message-row').filter({ hasText: subject });

async function query<T extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<T[]> {
  const client = new pg.Client({ connectionString: await databaseUrl() });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** WCAG relative-luminance contrast of two CSS rgb()/rgba() colours (alpha ignored: both opaque here). */
function contrast(a: string, b: string): number {
  const lum = (css: string) => {
    const [r, g, bl] = (css.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

test('plain-text URLs are links; the selected row keeps 4.5:1; a revoked session wipes the tab and goes to /login', async ({ page }) => {
  const user = await newUser('fix');
  const subject = uniqueName('Links ');
  await sendWithSwaks({ to: user.address, subject, body: 'Read https://example.com/report?id=7. Or www.example.org!', from: 'carol@e2e.example' });
  await openMailbox(page, user);
  await row(page, subject).click(DELIVERY);

  const text = page.getByTestId('message-text');
  await expect(text.getByRole('link', { name: 'https://example.com/report?id=7' })).toHaveAttribute('href', 'https://example.com/report?id=7');
  await expect(text.getByRole('link', { name: 'www.example.org' })).toHaveAttribute('href', 'https://www.example.org');
  await expect(text.getByRole('link').first()).toHaveAttribute('rel', /noreferrer/);
  // Mail from outside still shows what the MX found.
  await expect(page.getByRole('list', { name: 'Sender authentication' })).toBeVisible();

  const selected = row(page, subject);
  await expect(selected).toHaveAttribute('aria-current', 'true');
  // The row's colour is on its wrapper (checkbox, star and the row's button share it).
  const colours = await selected.evaluate((el) => ({
    fg: getComputedStyle(el.querySelector('time')!).color,
    bg: getComputedStyle(el.closest('[data-testid="message-row-wrap"]')!).backgroundColor,
  }));
  expect(contrast(colours.fg, colours.bg)).toBeGreaterThanOrEqual(4.5);

  // Revoked elsewhere (as Settings → Sessions does from another device): the next call gets a 401.
  await query('UPDATE sessions SET revoked_at = now() WHERE user_id = (SELECT id FROM users WHERE username = $1) AND revoked_at IS NULL', [user.username]);
  forgetSession(user);
  await page.getByRole('button', { name: 'Sent', exact: true }).click();
  await expect(page).toHaveURL(/\/login\?reason=ended/);
  await expect(page.getByText('Read https://example.com')).toHaveCount(0);
  expect(await page.evaluate(() => sessionStorage.getItem('sealpost.session'))).toBeNull();
});

test('your own Sent message shows no SPF/DKIM/DMARC badges', async ({ page }) => {
  const user = await newUser('fix');
  await openMailbox(page, user);
  const subject = uniqueName('Mine ');
  const compose = await composeMessage(page, { to: ['someone@elsewhere.example'], subject, body: 'From me.' });
  await expect(compose.getByTestId('recipient-chip')).toHaveAttribute('data-kind', 'external', { timeout: 20_000 });
  await compose.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(compose).toBeHidden();
  await page.getByRole('button', { name: 'Sent', exact: true }).click();
  // Filed when the undo window ends.
  await row(page, subject).click({ timeout: 40_000 });
  await expect(page.getByRole('heading', { level: 2, name: subject })).toBeVisible();
  await expect(page.getByText('From me.')).toBeVisible();
  await expect(page.getByRole('list', { name: 'Sender authentication' })).toHaveCount(0);
});

test('a scheduled message: its subject in Scheduled, not in Sent until it goes nor after a cancel, and its toast goes away', async ({ page }) => {
  const user = await newUser('fix');
  await openMailbox(page, user);
  const subject = uniqueName('Later ');
  const compose = await composeMessage(page, { to: ['later@schedule.example'], subject, body: 'Tomorrow.' });
  await expect(compose.getByTestId('recipient-chip')).toHaveAttribute('data-kind', 'external', { timeout: 20_000 });
  await compose.getByRole('button', { name: 'Schedule…' }).click();
  const when = new Date(Date.now() + 24 * 3600_000);
  await compose.getByLabel('Send at').fill(new Date(when.getTime() - when.getTimezoneOffset() * 60_000).toISOString().slice(0, 16));
  await compose.getByRole('button', { name: 'Schedule send' }).click();
  const toast = page.getByTestId('outgoing-toast');
  await expect(toast).toContainText('Scheduled for');
  // Six seconds, while the mailbox goes on rendering underneath.
  await expect(toast).toBeHidden({ timeout: 12_000 });

  await page.getByRole('button', { name: 'Scheduled', exact: true }).click();
  const scheduled = page.getByTestId('scheduled-row').filter({ hasText: 'later@schedule.example' });
  await expect(scheduled.getByTestId('scheduled-subject')).toHaveText(subject);

  await page.getByRole('button', { name: 'Sent', exact: true }).click();
  await expect(page.getByText('Nothing sent yet.')).toBeVisible();
  await page.getByRole('button', { name: 'Scheduled', exact: true }).click();
  await scheduled.getByRole('button', { name: /^Cancel the message to/ }).click();
  await expect(scheduled).toBeHidden();
  await page.getByRole('button', { name: 'Sent', exact: true }).click();
  await expect(page.getByText('Nothing sent yet.')).toBeVisible();
});

test('compose toolbar: every button whose text has letters or digits says them in its name', async ({ page }) => {
  const user = await newUser('fix');
  await openMailbox(page, user);
  await page.keyboard.press('c');
  const toolbar = page.getByRole('toolbar', { name: 'Formatting' });
  await expect(toolbar.getByRole('button', { name: 'Numbered list' })).toBeVisible();
  const buttons = await toolbar
    .getByRole('button')
    .evaluateAll((els) => els.map((el) => ({ name: el.getAttribute('aria-label') ?? '', text: (el as HTMLElement).innerText })));
  expect(buttons.length).toBeGreaterThanOrEqual(6);
  for (const { name, text } of buttons) {
    const words = text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
    for (const word of words) expect(name.toLowerCase(), `"${text}" in "${name}"`).toContain(word);
  }
});

test.describe('on a 390×844 phone', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('every folder tab is whole, and the DNS records fit the screen', async ({ page }) => {
    const user = await newUser('fix');
    await openMailbox(page, user);
    const tabs = page.getByRole('navigation', { name: 'Folders' }).getByRole('button');
    expect(await tabs.count()).toBeGreaterThanOrEqual(5);
    for (const tab of await tabs.all()) {
      const box = (await tab.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(390);
      expect(await tab.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    }
    await expect(page.getByRole('button', { name: 'Scheduled', exact: true })).toBeInViewport({ ratio: 1 });

    const domain = `${uniqueName('phone')}.example`;
    await page.goto('/settings/domains');
    await page.getByLabel('Domain', { exact: true }).fill(domain);
    await page.getByLabel('Domain', { exact: true }).press('Enter');
    await expect(page.getByTestId('record-mx').first()).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const table = (await page.locator('table').first().boundingBox())!;
    expect(table.x + table.width).toBeLessThanOrEqual(390);
    const value = page.getByTestId('record-value').first();
    await value.scrollIntoViewIfNeeded();
    await expect(value).toBeInViewport({ ratio: 1 });
  });
});

test('the tab title counts unread mail; a favicon; a styled 404', async ({ page }) => {
  const user = await newUser('fix');
  await sendWithSwaks({ to: user.address, subject: uniqueName('Title '), body: 'Unread.' });
  await openMailbox(page, user);
  await expect(page).toHaveTitle('(1) Inbox – Sealpost', DELIVERY);
  const icon = await page.request.get('/icon.svg');
  expect(icon.ok()).toBe(true);
  expect(await page.locator('link[rel="icon"]').count()).toBeGreaterThan(0);
  const missing = await page.goto('/no-such-page');
  expect(missing?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'This page does not exist' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Go to your inbox' })).toBeVisible();
});
