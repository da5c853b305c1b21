import { readFile, writeFile } from 'node:fs/promises';
import { type Page, expect, test } from '@playwright/test';
import { uniqueName } from './helpers';
import { sendWithSwaks, startRecordingServer } from './mail-helpers';
import { newUser, openMailbox } from './session';

/**
 * The mail client against the whole system: swaks → SMTP sidecar (encrypts to the user's key) →
 * PostgreSQL → tRPC → the browser, which decrypts in its key Worker and renders.
 */
const PASSWORD = 'inbox-password-0123';
// The MX authenticates each message (SPF, DKIM, DMARC) before it answers: allow for its DNS lookups.
const DELIVERY = { timeout: 60_000 };

const row = (page: Page, subject: string) => page.getByTestId('message-row').filter({ hasText: subject });

test('mail sent with swaks shows decrypted in the list, opens, and new mail appears without a reload', async ({ page }) => {
  const user = await newUser('mail', PASSWORD);
  const first = uniqueName('First subject ');
  await sendWithSwaks({ to: user.address, subject: first, body: 'The first body text.\nSecond line.', from: 'alice@e2e.example' });

  const liveStream = page.waitForResponse((response) => response.url().endsWith('/api/mail/events'));
  await openMailbox(page, user);
  expect((await liveStream).headers()['content-type']).toContain('text/event-stream');
  const firstRow = row(page, first);
  await expect(firstRow).toBeVisible(DELIVERY);
  await expect(firstRow).toHaveAttribute('data-unread', 'true');
  await expect(firstRow).toContainText('alice@e2e.example');
  await expect(firstRow).toContainText('The first body text. Second line.');
  await expect(page.getByRole('button', { name: /^Inbox\s*\(1 unread\)$/ })).toBeVisible();

  await firstRow.click();
  await expect(page.getByRole('heading', { level: 2, name: first })).toBeVisible();
  await expect(page.getByTestId('message-text')).toContainText('The first body text.');
  await expect(page.getByRole('list', { name: 'Sender authentication' })).toBeVisible();
  await expect(firstRow).toHaveAttribute('data-unread', 'false');

  // Live: a second message while the page is open. The marker proves the page never reloaded.
  await page.evaluate(() => ((window as unknown as { noReload: boolean }).noReload = true));
  const second = uniqueName('Second subject ');
  await sendWithSwaks({ to: user.address, subject: second, body: 'Arrived while you watched.' });
  await expect(row(page, second)).toBeVisible(DELIVERY);
  expect(await page.evaluate(() => (window as unknown as { noReload?: boolean }).noReload)).toBe(true);
  await expect(page.getByTestId('message-row').first()).toContainText(second);

  // Keyboard: j/k move between rows, Enter opens, Escape goes back to the list.
  await page.getByTestId('message-row').first().focus();
  await page.keyboard.press('j');
  await expect(firstRow).toBeFocused();
  await page.keyboard.press('k');
  await expect(row(page, second)).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('message-text')).toContainText('Arrived while you watched.');
  await page.keyboard.press('Escape');
  await expect(page.getByText('Select a message to read it.')).toBeVisible();
  await expect(row(page, second)).toBeFocused();
});

test('the live mailbox stream refuses a request without a session', async ({ request }) => {
  const response = await request.get('/api/mail/events');
  expect(response.status()).toBe(401);
});

test('HTML mail runs no script and loads no remote image until "Load remote content"', async ({ page }) => {
  const tracker = await startRecordingServer();
  try {
    const user = await newUser('mail', PASSWORD);
    const subject = uniqueName('HTML ');
    const html =
      `<html><head><title>t</title></head><body><p>Hello in <b>HTML</b></p>` +
      `<script>document.title='pwned';fetch('${tracker.url('/script.js')}')</script>` +
      `<img src="${tracker.url('/pixel.png')}" alt="pixel">` +
      `<img src="x" onerror="fetch('${tracker.url('/onerror')}')">` +
      `<a href="https://example.com/">a link</a></body></html>`;
    await sendWithSwaks({ to: user.address, subject, body: html, headers: ['MIME-Version: 1.0', 'Content-Type: text/html; charset=utf-8'] });

    await openMailbox(page, user);
    await row(page, subject).click(DELIVERY);
    const body = page.frameLocator('iframe[title="Message content"]');
    await expect(body.getByText('Hello in HTML')).toBeVisible();
    await expect(body.getByRole('link', { name: 'a link' })).toHaveAttribute('target', '_blank');
    await expect(page.getByTestId('remote-content-notice')).toBeVisible();
    // Everything the frame would fetch is requested while it loads; after its load event, nothing came.
    const frame = page.frames().find((f) => f.url() === 'about:srcdoc')!;
    await frame.waitForLoadState('load');
    expect(tracker.requests).toEqual([]);
    expect(await page.title()).toBe('Sealpost');

    await page.getByRole('button', { name: 'Load remote content' }).click();
    await expect.poll(() => tracker.requests).toContain('/pixel.png');
    await expect(page.getByTestId('remote-content-notice')).toHaveCount(0);
    expect(tracker.requests).toEqual(['/pixel.png']);
    expect(await page.title()).toBe('Sealpost');
  } finally {
    await tracker.close();
  }
});

test('an attachment shows a paperclip in the list and downloads, decrypted, under its own name', async ({ page }, testInfo) => {
  const user = await newUser('mail', PASSWORD);
  const subject = uniqueName('Report ');
  const file = testInfo.outputPath('quarterly report.txt');
  const content = `Quarterly numbers ${uniqueName('')}\n`;
  await writeFile(file, content);
  await sendWithSwaks({ to: user.address, subject, body: 'See attached.', attach: { path: file, name: 'quarterly report.txt', type: 'text/plain' } });

  await openMailbox(page, user);
  await expect(row(page, subject).getByRole('img', { name: 'Has attachments' })).toBeVisible(DELIVERY);
  await row(page, subject).click();
  await expect(page.getByRole('heading', { name: 'Attachments (1)' })).toBeVisible();
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download quarterly report.txt' }).click();
  const saved = await download;
  expect(saved.suggestedFilename()).toBe('quarterly report.txt');
  expect(await readFile((await saved.path())!, 'utf8')).toBe(content);
});

test('mark unread and read, delete to the trash, delete for good; on a phone one pane at a time', async ({ page }) => {
  const user = await newUser('mail', PASSWORD);
  const subject = uniqueName('Actions ');
  await sendWithSwaks({ to: user.address, subject, body: 'Things to do.' });
  await page.setViewportSize({ width: 390, height: 844 });
  await openMailbox(page, user);

  const message = row(page, subject);
  await message.click(DELIVERY);
  // Phone: the message replaces the list; Back returns to it.
  await expect(page.getByTestId('message-text')).toContainText('Things to do.');
  await expect(page.getByRole('heading', { level: 1, name: 'Inbox' })).toBeHidden();
  await page.getByRole('button', { name: 'Back' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Inbox' })).toBeVisible();
  await expect(message).toHaveAttribute('data-unread', 'false');

  await page.setViewportSize({ width: 1280, height: 800 });
  await message.click();
  await page.getByRole('button', { name: 'Mark as unread' }).click();
  await expect(message).toHaveAttribute('data-unread', 'true');
  await expect(page.getByRole('button', { name: 'Mark as read' })).toBeVisible();
  await page.keyboard.press('Escape');
  // The server kept it: after a reload the row is still unread.
  await page.reload();
  await expect(row(page, subject)).toHaveAttribute('data-unread', 'true');
  await row(page, subject).click();
  await expect(row(page, subject)).toHaveAttribute('data-unread', 'false');
  await page.getByRole('button', { name: 'Mark as unread' }).click();
  await page.getByRole('button', { name: 'Mark as read' }).click();
  await expect(row(page, subject)).toHaveAttribute('data-unread', 'false');

  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(row(page, subject)).toHaveCount(0);
  await expect(page.getByText('No messages yet.')).toBeVisible();

  await page.getByRole('button', { name: /^Trash/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Trash' })).toBeVisible();
  await row(page, subject).click();
  await page.getByRole('button', { name: 'Delete forever…' }).click();
  await page.getByRole('button', { name: 'Delete forever', exact: true }).click();
  await expect(page.getByText('Trash is empty.')).toBeVisible();
  await page.reload();
  await expect(page.getByText('Trash is empty.')).toBeVisible();
});
