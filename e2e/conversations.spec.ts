import { randomBytes } from 'node:crypto';
import { type Page, expect, test } from '@playwright/test';
import pg from 'pg';
import { databaseUrl } from './helpers';
import { newUser, openMailbox } from './session';
import { E2E } from '../playwright.config';
import { sendBatch } from './smtp-batch';

/**
 * Conversations against the whole system: three messages from outside that name each other in
 * References, and a reply written here, are one conversation of 4; archiving it moves all 4. In
 * conversation view the list's checkboxes and shortcuts take whole conversations: `x` on two rows
 * and `e` archives both (every message of each, in one request), and `z` puts them back.
 */
const FILED = { timeout: 45_000 };
/**
 * How many of the user's messages in conversations of two or more Inbox, Archive and Sent hold,
 * straight from the database (a bounce of the reply to outside.example may come in on its own).
 */
async function folders(username: string): Promise<{ inbox: number; archive: number; sent: number }> {
  const client = new pg.Client({ connectionString: await databaseUrl() });
  await client.connect();
  try {
    const { rows } = await client.query<{ folder: string; n: string }>(
      `SELECT m.folder, count(*) AS n FROM messages m JOIN users u ON u.id = m.user_id
       WHERE u.username = $1 AND m.conversation_key IN (SELECT conversation_key FROM messages WHERE user_id = u.id GROUP BY 1 HAVING count(*) > 1)
       GROUP BY m.folder`,
      [username],
    );
    const n = (folder: string) => Number(rows.find((r) => r.folder === folder)?.n ?? 0);
    return { inbox: n('inbox'), archive: n('archive'), sent: n('sent') };
  } finally {
    await client.end();
  }
}
const conversationRow = (page: Page, subject: string) => page.locator('[data-testid="message-row"][data-conversation-count]').filter({ hasText: subject });

test('a thread from outside plus a reply sent from Sealpost is one conversation of 4, and moves as one', async ({ page }) => {
  const alice = await newUser('conv');
  const tag = randomBytes(4).toString('hex');
  const subject = `Plans ${tag}`;
  const id = (n: number, thread = subject) => `<m${n}-${thread.replace(/\W/g, '')}@outside.example>`;
  const mail = (n: number, headers: string[], body: string, thread = subject) => ({
    from: 'zoe@outside.example',
    to: alice.address,
    data: [
      'From: Zoe <zoe@outside.example>',
      `To: ${alice.address}`,
      `Subject: ${n === 1 ? thread : `Re: ${thread}`}`,
      // The other two threads are older, so the thread of 4 heads the inbox.
      `Date: ${new Date(Date.now() - (4 - n) * 60_000 - (thread === subject ? 0 : 3600_000)).toUTCString()}`,
      `Message-ID: ${id(n, thread)}`,
      ...headers,
      '',
      body,
    ].join('\n'),
  });
  const [lunch, books] = [`Lunch ${tag}`, `Books ${tag}`];
  await sendBatch(E2E.smtpPort, [
    mail(1, [], 'First message of the thread.'),
    mail(2, [`In-Reply-To: ${id(1)}`, `References: ${id(1)}`], 'Second message.'),
    mail(3, [`In-Reply-To: ${id(2)}`, `References: ${id(1)} ${id(2)}`], 'Third message.'),
    ...[lunch, books].flatMap((thread) => [
      mail(1, [], 'Shall we?', thread),
      mail(2, [`In-Reply-To: ${id(1, thread)}`, `References: ${id(1, thread)}`], 'Yes.', thread),
    ]),
    mail(3, [`In-Reply-To: ${id(2, books)}`, `References: ${id(1, books)} ${id(2, books)}`], 'Done.', books),
  ]);

  await openMailbox(page, alice);
  // The browser places the three (the server has only an opaque key for each) and the list groups them.
  await expect(conversationRow(page, subject)).toHaveAttribute('data-conversation-count', '3');
  await expect(conversationRow(page, subject)).toHaveAttribute('data-unread', 'true');
  await expect(conversationRow(page, subject)).toContainText('Zoe');
  await conversationRow(page, subject).click();
  const messages = page.getByTestId('thread-message');
  await expect(messages).toHaveCount(3);
  // The oldest unread is the one expanded; the others are collapsed headers.
  await expect(messages.nth(0).getByRole('button', { expanded: true })).toBeVisible();
  await expect(messages.nth(2).getByRole('button', { expanded: false })).toBeVisible();
  await expect(messages.nth(0).getByText('First message of the thread.')).toBeVisible();

  // Reply from the thread, to the outside sender.
  await messages.nth(0).getByRole('button', { name: 'Reply', exact: true }).click();
  const reply = page.getByTestId('compose');
  await expect(reply.getByLabel('Subject')).toHaveValue(`Re: ${subject}`);
  await reply.getByTestId('rich-editor').press('Control+Home');
  await page.keyboard.type('Count me in.');
  await reply.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(page.getByTestId('outgoing-toast')).toContainText('Message sent.', FILED);

  // The Sent copy joins: 4 in the inbox's row, and the same conversation heads the Sent folder.
  await expect(async () => {
    await page.getByRole('button', { name: 'Sent', exact: true }).click();
    await page.getByRole('button', { name: /^Inbox\b/ }).click();
    await expect(conversationRow(page, subject)).toHaveAttribute('data-conversation-count', '4', { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });

  await conversationRow(page, subject).click();
  await expect(page.getByTestId('thread-message')).toHaveCount(4);
  expect(await folders(alice.username)).toEqual({ inbox: 8, archive: 0, sent: 1 });
  await page.getByRole('toolbar', { name: 'Conversation actions' }).getByRole('button', { name: 'Archive' }).click();
  await expect(page.getByTestId('undo-toast')).toContainText('4 message(s) archived.');
  await expect(conversationRow(page, subject)).toHaveCount(0);
  // All 4, the Sent copy included, in one move; none left in the Inbox.
  expect(await folders(alice.username)).toEqual({ inbox: 5, archive: 4, sent: 0 });

  // Two conversations checked with `x`, then `e`: both archived, every message of each (2 + 3) in
  // one request; `z` (while the Undo toast shows) puts them back.
  await expect(conversationRow(page, lunch)).toHaveAttribute('data-conversation-count', '2');
  await expect(conversationRow(page, books)).toHaveAttribute('data-conversation-count', '3');
  await conversationRow(page, lunch).focus();
  await page.keyboard.press('x');
  await conversationRow(page, books).focus();
  await page.keyboard.press('x');
  await expect(page.getByTestId('selected-count')).toHaveText('2 selected');
  await page.keyboard.press('e');
  await expect(page.getByTestId('undo-toast')).toContainText('5 message(s) archived.');
  await expect(conversationRow(page, lunch)).toHaveCount(0);
  await expect(conversationRow(page, books)).toHaveCount(0);
  await page.keyboard.press('z');
  await expect(conversationRow(page, lunch)).toBeVisible();
  await expect(conversationRow(page, books)).toBeVisible();
  expect(await folders(alice.username)).toEqual({ inbox: 5, archive: 4, sent: 0 });

  await page.getByRole('button', { name: 'Archive', exact: true }).click();
  await expect(conversationRow(page, subject)).toHaveAttribute('data-conversation-count', '4');

  // The setting turns grouping off: the Archive then lists the 4 messages one by one.
  await page.goto('/settings');
  await page.getByLabel('Group messages into conversations').uncheck();
  await page.goto('/inbox?folder=archive');
  await expect(page.getByTestId('message-row').filter({ hasText: subject })).toHaveCount(4);
});
