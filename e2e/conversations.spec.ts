import { randomBytes } from 'node:crypto';
import { type Page, expect, test } from '@playwright/test';
import { newUser, openMailbox } from './session';
import { E2E } from '../playwright.config';
import { sendBatch } from './smtp-batch';

/**
 * Conversations against the whole system: three messages from outside that name each other in
 * References, and a reply written here, are one conversation of 4; deleting it moves all 4.
 * (This branch has no Archive folder yet, so the whole-conversation move is shown with Delete,
 * which moves to the Trash; the server's move is the same call with another folder.)
 */
const FILED = { timeout: 45_000 };
const conversationRow = (page: Page, subject: string) => page.locator('[data-testid="message-row"][data-conversation-count]').filter({ hasText: subject });

test('a thread from outside plus a reply sent from Sealpost is one conversation of 4, and moves as one', async ({ page }) => {
  const alice = await newUser('conv');
  const tag = randomBytes(4).toString('hex');
  const subject = `Plans ${tag}`;
  const id = (n: number) => `<m${n}-${tag}@outside.example>`;
  const mail = (n: number, headers: string[], body: string) => ({
    from: 'zoe@outside.example',
    to: alice.address,
    data: [
      'From: Zoe <zoe@outside.example>',
      `To: ${alice.address}`,
      `Subject: ${n === 1 ? subject : `Re: ${subject}`}`,
      `Date: ${new Date(Date.now() - (4 - n) * 60_000).toUTCString()}`,
      `Message-ID: ${id(n)}`,
      ...headers,
      '',
      body,
    ].join('\n'),
  });
  await sendBatch(E2E.smtpPort, [
    mail(1, [], 'First message of the thread.'),
    mail(2, [`In-Reply-To: ${id(1)}`, `References: ${id(1)}`], 'Second message.'),
    mail(3, [`In-Reply-To: ${id(2)}`, `References: ${id(1)} ${id(2)}`], 'Third message.'),
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
  await page.getByRole('button', { name: 'Delete conversation' }).click();
  await expect(conversationRow(page, subject)).toHaveCount(0);
  await page.getByRole('button', { name: 'Sent', exact: true }).click();
  await expect(page.getByTestId('message-row').filter({ hasText: subject })).toHaveCount(0);
  await page.getByRole('button', { name: 'Trash', exact: true }).click();
  await expect(conversationRow(page, subject)).toHaveAttribute('data-conversation-count', '4');

  // The setting turns grouping off: the Trash then lists the 4 messages one by one.
  await page.goto('/settings');
  await page.getByLabel('Group messages into conversations').uncheck();
  await page.goto('/inbox?folder=trash');
  await expect(page.getByTestId('message-row').filter({ hasText: subject })).toHaveCount(4);
});
