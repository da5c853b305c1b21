import { randomBytes } from 'node:crypto';
import { type Locator, type Page, expect, test } from '@playwright/test';
import pg from 'pg';
import { dumpAllTables } from '../testing/dump';
import { composeMessage, outboundList } from './compose-helpers';
import { databaseUrl, uniqueName } from './helpers';
import { newUser, openMailbox } from './session';

/**
 * Compose against the whole system: two users write to each other through the browser (encrypted
 * in each sender's key Worker), and nothing of what they wrote is left readable in any table.
 * Every send is a scheduled send on the server (an immediate one at now + the undo window): its
 * copies for people here and its Sent copy wait there, still encrypted, until the worker files
 * them, and its parts for elsewhere wait in the outbound queue. Undo, or Cancel in Scheduled, is
 * one cancel of the whole send before anything goes.
 */
const PASSWORD = 'compose-password-0123';
// The undo window (UNDO_SEND_SECONDS, 10 by default) passes before a message is filed.
const FILED = { timeout: 45_000 };

const row = (page: Page, text: string) => page.getByTestId('message-row').filter({ hasText: text });

test('two users mail each other; the recipient reads it, and the canary is nowhere at rest', async ({ page }) => {
  const [alice, bob] = await Promise.all([newUser('cmp', PASSWORD), newUser('cmp', PASSWORD)]);
  const canary = `canary${randomBytes(10).toString('hex')}`;
  const subject = `Report ${canary}`;

  await openMailbox(page, alice);
  const compose = await composeMessage(page, {
    to: [bob.address],
    subject,
    body: `The body mentions ${canary} too.`,
    attach: { name: `${canary}.txt`, content: `attachment ${canary}` },
  });
  await expect(compose.getByTestId('recipient-chip')).toHaveAttribute('data-kind', 'internal');
  // The draft saves itself, encrypted, while Alice writes.
  await expect(compose.getByTestId('draft-status')).toHaveText('Draft saved', { timeout: 15_000 });
  await compose.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(compose).toBeHidden();
  await expect(page.getByTestId('outgoing-toast')).toContainText('Sending…');
  await expect(page.getByTestId('outgoing-toast')).toContainText('Message sent.', FILED);

  await page.getByRole('button', { name: 'Sent', exact: true }).click();
  await expect(row(page, subject)).toContainText(`To: ${bob.address}`);
  await page.getByRole('button', { name: 'Drafts', exact: true }).click();
  await expect(page.getByText('No drafts.')).toBeVisible();

  // Bob reads it: subject in the list, body in the reading pane, the attachment by name.
  await openMailbox(page, bob);
  await expect(row(page, subject)).toBeVisible();
  await expect(row(page, subject)).toContainText(alice.address);
  await row(page, subject).click();
  await expect(page.getByRole('heading', { level: 2, name: subject })).toBeVisible();
  await expect(page.frameLocator('iframe[title="Message content"]').getByText(`The body mentions ${canary} too.`)).toBeVisible();
  await expect(page.getByRole('button', { name: `Download ${canary}.txt` })).toBeVisible();
  // The server vouches for the sender of mail written here; no MX results are shown for it.
  await expect(page.getByTestId('internal-origin')).toHaveText(`Sent by ${alice.address} on this server`);
  await expect(page.getByRole('list', { name: 'Sender authentication' })).toHaveCount(0);

  // Bob replies: To and the subject are filled in, the original is quoted.
  await page.getByRole('button', { name: 'Reply', exact: true }).click();
  const reply = page.getByTestId('compose');
  await expect(reply.getByTestId('recipient-chip')).toContainText(alice.address);
  await expect(reply.getByLabel('Subject')).toHaveValue(`Re: ${subject}`);
  await expect(reply.getByTestId('rich-editor').locator('blockquote')).toContainText(`The body mentions ${canary} too.`);
  await reply.getByTestId('rich-editor').press('Control+Home');
  await page.keyboard.type('Thanks, got it.');
  await reply.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(page.getByTestId('outgoing-toast')).toContainText('Message sent.', FILED);

  await openMailbox(page, alice);
  await expect(row(page, `Re: ${subject}`)).toBeVisible();
  await row(page, `Re: ${subject}`).click();
  await expect(page.frameLocator('iframe[title="Message content"]').getByText('Thanks, got it.')).toBeVisible();

  // Nothing readable at rest: every row of every table, as text and with bytea as hex.
  const dump = await dumpAllTables(await databaseUrl());
  expect(dump.tables).toEqual(expect.arrayContaining(['users', 'messages']));
  expect(dump.text).toContain(bob.username); // control: the dump sees plaintext columns
  const hex = Buffer.from(canary, 'utf8').toString('hex');
  expect(dump.text).not.toContain(canary);
  expect(dump.text.toLowerCase()).not.toContain(hex);
});

test('Undo send cancels an external message before it goes, and reopens it', async ({ page }) => {
  const alice = await newUser('cmp', PASSWORD);
  const subject = uniqueName('Undo me ');
  await openMailbox(page, alice);
  const compose = await composeMessage(page, { to: ['someone@undo.example'], subject, body: 'Never to be delivered.' });
  await expect(compose.getByTestId('recipient-chip')).toHaveAttribute('data-kind', 'external', { timeout: 20_000 });
  await compose.getByRole('button', { name: 'Send', exact: true }).click();
  const toast = page.getByTestId('outgoing-toast');
  await expect(toast).toContainText('Sending…');
  const queued = (await outboundList(page)).find((m) => m.recipients.some((r) => r.address === 'someone@undo.example'));
  expect(queued?.status).toBe('scheduled');

  await toast.getByRole('button', { name: 'Undo' }).click();
  await expect(toast).toContainText('Sending undone.');
  const reopened = page.getByTestId('compose');
  await expect(reopened.getByLabel('Subject')).toHaveValue(subject);
  await expect(reopened.getByTestId('recipient-chip')).toContainText('someone@undo.example');

  // Past the undo window it is still cancelled: the worker never tried to deliver it.
  const sendAt = Date.parse(queued!.sendAt);
  await expect.poll(() => Date.now() > sendAt + 5_000, { timeout: 30_000, intervals: [1_000] }).toBe(true);
  const after = (await outboundList(page)).find((m) => m.id === queued!.id)!;
  expect(after.status).toBe('cancelled');
  expect(after.attempts).toBe(0);
  expect(after.recipients).toEqual([expect.objectContaining({ address: 'someone@undo.example', status: 'cancelled', attempts: 0 })]);
  await expect(page.getByText('Message sent.')).toHaveCount(0);
  // Undo was one cancel on the server: of the send, which held the Sent copy and named the queued part.
  const sends = await query<{ status: string; outbound_ids: string[]; held: boolean }>(
    'SELECT status, outbound_ids, sent_raw_ciphertext IS NOT NULL AS held FROM scheduled_internal_sends WHERE from_address = $1',
    [alice.address],
  );
  expect(sends).toEqual([{ status: 'cancelled', outbound_ids: [queued!.id], held: false }]);

  // Escape asks whether to keep the draft; nothing was filed in Sent.
  await page.keyboard.press('Escape');
  await reopened.getByRole('button', { name: 'Discard' }).click();
  await expect(reopened).toBeHidden();
  await page.getByRole('button', { name: 'Sent', exact: true }).click();
  await expect(page.getByText('Nothing sent yet.')).toBeVisible();
  await page.getByRole('button', { name: 'Drafts', exact: true }).click();
  await expect(page.getByText('No drafts.')).toBeVisible();
});

test('a scheduled send shows in Scheduled and can be cancelled there', async ({ page }) => {
  const alice = await newUser('cmp', PASSWORD);
  await openMailbox(page, alice);
  const compose = await composeMessage(page, { to: ['later@schedule.example'], subject: uniqueName('Later '), body: 'See you tomorrow.' });
  await expect(compose.getByTestId('recipient-chip')).toHaveAttribute('data-kind', 'external', { timeout: 20_000 });
  await compose.getByRole('button', { name: 'Schedule…' }).click();
  const tomorrow = new Date(Date.now() + 24 * 3600_000);
  const local = new Date(tomorrow.getTime() - tomorrow.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  await compose.getByLabel('Send at').fill(local);
  await compose.getByRole('button', { name: 'Schedule send' }).click();
  await expect(compose).toBeHidden();
  await expect(page.getByTestId('outgoing-toast')).toContainText('Scheduled for');

  await page.getByRole('button', { name: 'Scheduled', exact: true }).click();
  const scheduled = page.getByTestId('scheduled-row').filter({ hasText: 'later@schedule.example' });
  await expect(scheduled).toBeVisible();
  const [entry] = (await outboundList(page)).filter((m) => m.recipients.some((r) => r.address === 'later@schedule.example'));
  expect(Math.abs(Date.parse(entry!.sendAt) - new Date(local).getTime())).toBeLessThan(60_000);
  expect(entry!.status).toBe('scheduled');

  await scheduled.getByRole('button', { name: /^Cancel the message to/ }).click();
  await expect(scheduled).toBeHidden();
  await expect(page.getByText('Nothing is scheduled.')).toBeVisible();
  expect((await outboundList(page)).find((m) => m.id === entry!.id)?.status).toBe('cancelled');
});

/** A datetime-local value, to the second, in the browser's (and this process's) time zone. */
const localInput = (date: Date) => new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 19);

async function scheduleSend(page: Page, compose: Locator, when: Date) {
  await compose.getByRole('button', { name: 'Schedule…' }).click();
  await compose.getByLabel('Send at').fill(localInput(when));
  await compose.getByRole('button', { name: 'Schedule send' }).click();
  await expect(compose).toBeHidden();
  await expect(page.getByTestId('outgoing-toast')).toContainText('Scheduled for');
}

/** Runs one query against the e2e instance's database. */
async function query<T extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<T[]> {
  const client = new pg.Client({ connectionString: await databaseUrl() });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

test('a scheduled message to someone here arrives at its time, and a cancelled one never does', async ({ page }) => {
  // The picker takes times at least a minute ahead, and the worker files by the real clock.
  test.setTimeout(240_000);
  const [alice, bob, carol] = await Promise.all([newUser('cmp', PASSWORD), newUser('cmp', PASSWORD), newUser('cmp', PASSWORD)]);
  const canary = `canary${randomBytes(10).toString('hex')}`;
  const later = `Later ${canary}`;
  const never = uniqueName('Never ');

  await openMailbox(page, alice);
  // One time for both, far enough ahead for the picker and for Bob to look before it.
  const sendAt = new Date(Math.ceil((Date.now() + 90_000) / 1000) * 1000);
  const internalChips = (compose: Locator) => compose.locator('[data-testid="recipient-chip"][data-kind="internal"]');
  let compose = await composeMessage(page, { to: [bob.address], subject: later, body: `It arrives later: ${canary}.` });
  await expect(internalChips(compose)).toHaveCount(1, { timeout: 20_000 });
  await scheduleSend(page, compose, sendAt);
  compose = await composeMessage(page, { to: [bob.address, carol.address], subject: never, body: 'This one is called off.' });
  await expect(internalChips(compose)).toHaveCount(2, { timeout: 20_000 });
  await scheduleSend(page, compose, sendAt);

  // The copies for Bob and Carol and the Sent copies wait with the sends, encrypted; Sent shows a
  // message once it has gone.
  await page.getByRole('button', { name: 'Sent', exact: true }).click();
  await expect(page.getByText('Nothing sent yet.')).toBeVisible();
  const dump = await dumpAllTables(await databaseUrl());
  expect(dump.tables).toContain('scheduled_internal_copies');
  expect(dump.text).toContain(carol.address); // control: the waiting copy's recipient is in the dump
  expect(dump.text).not.toContain(canary);
  expect(dump.text.toLowerCase()).not.toContain(Buffer.from(canary, 'utf8').toString('hex'));

  // Scheduled lists both, with recipients and time only; the one to Carol too is cancelled.
  await page.getByRole('button', { name: 'Scheduled', exact: true }).click();
  const toBoth = page.getByTestId('scheduled-row').filter({ hasText: carol.address });
  const toBob = page
    .getByTestId('scheduled-row')
    .filter({ hasText: `To ${bob.address}` })
    .filter({ hasNotText: carol.address });
  await expect(toBob).toHaveAttribute('data-kind', 'internal');
  await expect(toBob).toContainText(`from ${alice.address}`);
  await expect(toBoth).toBeVisible();
  await toBoth.getByRole('button', { name: /^Cancel the message to/ }).click();
  await expect(toBoth).toBeHidden();
  await expect(toBob).toBeVisible();

  // Bob sees nothing before the time, then it appears in his open inbox without a reload.
  await openMailbox(page, bob);
  await expect(page.getByText('No messages yet.')).toBeVisible();
  expect(Date.now()).toBeLessThan(sendAt.getTime());
  await page.evaluate(() => ((window as unknown as { noReload: boolean }).noReload = true));
  await expect(row(page, later)).toBeVisible({ timeout: sendAt.getTime() - Date.now() + 45_000 });
  expect(Date.now()).toBeGreaterThanOrEqual(sendAt.getTime());
  expect(await page.evaluate(() => (window as unknown as { noReload?: boolean }).noReload)).toBe(true);
  await row(page, later).click();
  await expect(page.getByRole('heading', { level: 2, name: later })).toBeVisible();
  await expect(page.frameLocator('iframe[title="Message content"]').getByText(`It arrives later: ${canary}.`)).toBeVisible();
  await expect(page.getByTestId('internal-origin')).toHaveText(`Sent by ${alice.address} on this server`);

  // The cancelled one's job ran too and filed nothing; neither send left a copy behind.
  const sends = await query<{ id: string; status: string }>('SELECT id, status FROM scheduled_internal_sends WHERE from_address = $1 ORDER BY status', [
    alice.address,
  ]);
  expect(sends.map((s) => s.status)).toEqual(['cancelled', 'delivered']);
  await expect
    .poll(async () => (await query<{ state: string }>(`SELECT state FROM pgboss.job WHERE data->>'scheduledId' = $1`, [sends[0]!.id])).map((j) => j.state), {
      timeout: 30_000,
    })
    .toContain('completed');
  expect(await query('SELECT 1 FROM scheduled_internal_copies WHERE send_id = ANY($1::uuid[])', [sends.map((s) => s.id)])).toEqual([]);
  await page.reload();
  await expect(row(page, later)).toBeVisible();
  await expect(row(page, never)).toHaveCount(0);
  // Alice's Sent copy of the one that went was filed with it; the cancelled one left none.
  const sent = await query<{ n: string }>(`SELECT count(*) AS n FROM messages m JOIN users u ON u.id = m.user_id WHERE u.username = $1 AND m.folder = 'sent'`, [
    alice.username,
  ]);
  expect(sent).toEqual([{ n: '1' }]);
});

test('a kept draft is in Drafts, encrypted, and opening it resumes it', async ({ page }) => {
  const [alice, bob] = await Promise.all([newUser('cmp', PASSWORD), newUser('cmp', PASSWORD)]);
  const subject = uniqueName('Draft ');
  await openMailbox(page, alice);
  await page.getByRole('button', { name: 'New message' }).click();
  const compose = page.getByTestId('compose');
  const to = compose.getByRole('combobox', { name: 'To' });
  // A pasted list becomes chips; a bad entry is marked and named.
  await to.fill(`${bob.address}, not-an-address`);
  await to.press('Enter');
  await expect(compose.getByTestId('recipient-chip')).toHaveCount(2);
  await expect(compose.getByText("“not-an-address” isn't an email address.")).toBeVisible();
  await compose.getByRole('button', { name: 'Remove not-an-address' }).click();
  await compose.getByLabel('Subject').fill(subject);
  await compose.getByRole('button', { name: 'Plain text' }).click();
  await compose.getByTestId('plain-editor').fill('Line one\nLine two');
  await page.keyboard.press('Escape');
  await compose.getByRole('button', { name: 'Keep draft' }).click();
  await expect(compose).toBeHidden();

  await page.getByRole('button', { name: 'Drafts', exact: true }).click();
  const draft = row(page, subject);
  await expect(draft).toContainText(`To: ${bob.address}`);
  const dump = await dumpAllTables(await databaseUrl());
  expect(dump.text).not.toContain(subject);

  await draft.click();
  const resumed = page.getByTestId('compose');
  await expect(resumed.getByLabel('Subject')).toHaveValue(subject);
  await expect(resumed.getByTestId('recipient-chip')).toHaveText(new RegExp(bob.address));
  await expect(resumed.getByTestId('plain-editor')).toHaveValue('Line one\nLine two');
  await resumed.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(page.getByTestId('outgoing-toast')).toContainText('Message sent.', FILED);
  await expect(page.getByText('No drafts.')).toBeVisible();
});
