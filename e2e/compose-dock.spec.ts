import { expect, test } from '@playwright/test';
import pg from 'pg';
import { databaseUrl, uniqueName } from './helpers';
import { sendWithSwaks } from './mail-helpers';
import { newUser, openMailbox } from './session';

/**
 * The docked compose, as in Gmail: two messages written at once, each with its own draft, minimised
 * and restored, while the mailbox beside them stays usable; and on a phone one takes the screen.
 */
// Wide enough that the docked windows leave the message list uncovered, as on a desktop screen.
test.use({ viewport: { width: 1600, height: 900 } });

test('two compose windows at once, minimise and restore, the mailbox usable beside them, send from one', async ({ page }) => {
  const [alice, bob] = await Promise.all([newUser('dock'), newUser('dock')]);
  const inboxSubject = uniqueName('Read me while writing ');
  await sendWithSwaks({ to: alice.address, subject: inboxSubject, body: 'Still readable with compose open.' });
  await openMailbox(page, alice);
  const row = page.getByTestId('message-row').filter({ hasText: inboxSubject });
  await expect(row).toBeVisible({ timeout: 60_000 });

  // The first with the shortcut, the second with the button: the mailbox isn't behind a backdrop.
  const first = uniqueName('First ');
  const second = uniqueName('Second ');
  await page.getByRole('heading', { name: 'Inbox' }).click();
  await page.keyboard.press('c');
  const one = page.getByTestId('compose');
  await expect(one).toHaveAttribute('aria-modal', 'false');
  await expect(one.getByRole('combobox', { name: 'To' })).toBeFocused();
  await one.getByRole('combobox', { name: 'To' }).fill(bob.address);
  await one.getByRole('combobox', { name: 'To' }).press('Enter');
  await one.getByLabel('Subject').fill(first);
  const windowOne = page.getByRole('dialog', { name: first });

  await page.getByRole('button', { name: 'New message' }).click();
  await expect(page.getByTestId('compose')).toHaveCount(2);
  const windowTwo = page.getByTestId('compose').filter({ hasNot: page.getByRole('heading', { name: first }) });
  await expect(windowTwo.getByRole('combobox', { name: 'To' })).toBeFocused();
  await windowTwo.getByRole('combobox', { name: 'To' }).fill(bob.address);
  await windowTwo.getByRole('combobox', { name: 'To' }).press('Enter');
  await windowTwo.getByLabel('Subject').fill(second);
  await windowTwo.getByTestId('rich-editor').click();
  await page.keyboard.type('Sent from the second window.');
  const windowTwoNamed = page.getByRole('dialog', { name: second });
  await expect(windowOne).toBeVisible();
  await expect(windowTwoNamed).toBeVisible();
  // Side by side, not on top of each other.
  const [boxOne, boxTwo] = [await windowOne.boundingBox(), await windowTwoNamed.boundingBox()];
  expect(boxTwo!.x + boxTwo!.width).toBeLessThanOrEqual(boxOne!.x + 1);

  // The list and the reading pane work while both are open.
  await row.click();
  await expect(page.getByRole('heading', { level: 2, name: inboxSubject })).toBeVisible();
  await page.getByRole('button', { name: 'Sent', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sent' })).toBeVisible();
  await page.getByRole('button', { name: 'Inbox', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Inbox' })).toBeVisible();
  // Not inert, as the page behind a modal would be: the row takes focus.
  await row.focus();
  await expect(row).toBeFocused();

  // Minimise the first to its title bar, then restore it: what was typed is still there.
  await windowOne.getByRole('button', { name: 'Minimise' }).click();
  await expect(windowOne).toHaveAttribute('data-minimised', 'true');
  await expect(windowOne.getByLabel('Subject')).toBeHidden();
  await expect(windowOne.getByRole('button', { name: 'Restore' })).toBeFocused();
  await windowOne.getByRole('button', { name: 'Restore' }).click();
  await expect(windowOne.getByLabel('Subject')).toHaveValue(first);
  await expect(windowOne.getByTestId('recipient-chip')).toContainText(bob.address);

  // Send from the second; the first stays open with its own draft.
  await expect(windowTwoNamed.getByTestId('recipient-chip')).toHaveAttribute('data-kind', 'internal');
  await windowTwoNamed.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(windowTwoNamed).toBeHidden();
  await expect(page.getByTestId('outgoing-toast')).toContainText('Sending…');
  await expect(page.getByTestId('compose')).toHaveCount(1);
  await expect(windowOne.getByLabel('Subject')).toHaveValue(first);
  const client = new pg.Client({ connectionString: await databaseUrl() });
  await client.connect();
  try {
    const sends = await client.query('SELECT 1 FROM scheduled_internal_sends WHERE from_address = $1', [alice.address]);
    expect(sends.rowCount).toBe(1);
  } finally {
    await client.end();
  }

  // Escape in the first asks about its draft, as it always did.
  await windowOne.getByLabel('Subject').click();
  await page.keyboard.press('Escape');
  await windowOne.getByRole('button', { name: 'Discard' }).click();
  await expect(page.getByTestId('compose')).toHaveCount(0);

  // On a phone, compose takes the whole screen.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole('heading', { name: 'Inbox' }).click();
  await page.keyboard.press('c');
  const phone = await page.getByTestId('compose').boundingBox();
  expect(phone).toEqual({ x: 0, y: 0, width: 390, height: 844 });
});
