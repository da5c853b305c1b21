import { type Page, expect, test } from '@playwright/test';
import pg from 'pg';
import { databaseUrl, uniqueName } from './helpers';
import { sendWithSwaks } from './mail-helpers';
import { newUser, openMailbox } from './session';

/**
 * Folders of one's own (their names only ciphertext on the server) from the folder nav, and opt-in
 * desktop notifications for mail that arrives while the tab is hidden.
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

test('a folder of your own: created with an encrypted name, mail moved in with v, there after a reload, renamed, deleted back to Inbox', async ({ page }) => {
  // The bulk toolbar belongs to the plain message list.
  await page.addInitScript(() => localStorage.setItem('sealpost.conversation-view', 'off'));
  const user = await newUser('fold');
  const subject = uniqueName('File me ');
  await sendWithSwaks({ to: user.address, subject, body: 'Goes into a folder.' });
  await openMailbox(page, user);
  await expect(rows(page).filter({ hasText: subject })).toBeVisible(DELIVERY);

  const name = uniqueName('Taxes ');
  await page.getByRole('button', { name: '+ New folder' }).click();
  const create = page.getByRole('dialog', { name: 'New folder' });
  await create.getByRole('button', { name: 'Create folder' }).click();
  await expect(create.getByText('Give the folder a name.')).toBeVisible();
  await create.getByLabel('Name').fill(name);
  await create.getByRole('button', { name: 'Create folder' }).click();
  await expect(create).toBeHidden();
  const stored = await query<{ id: string; kind: string; name_ciphertext: Buffer }>(
    'SELECT l.id, l.kind, l.name_ciphertext FROM mail_labels l JOIN users u ON u.id = l.user_id WHERE u.username = $1',
    [user.username],
  );
  expect(stored.map((l) => l.kind)).toEqual(['folder']);
  expect(stored[0]!.name_ciphertext.includes(Buffer.from('Taxes'))).toBe(false);
  const folderId = stored[0]!.id;

  // Select the row with x, then v goes to "Move to a folder"; x again clears it.
  const nav = page.getByRole('navigation', { name: 'Your folders' });
  await rows(page).first().focus();
  await page.keyboard.press('x');
  await expect(page.getByTestId('row-checkbox').first()).toBeChecked();
  await page.keyboard.press('v');
  await expect(page.getByRole('combobox', { name: 'Move to a folder' })).toBeFocused();
  await rows(page).first().focus();
  await page.keyboard.press('x');
  await expect(page.getByTestId('row-checkbox').first()).not.toBeChecked();
  // With nothing checked, v on the open message goes to that message's own "Move to…" (opening
  // it read it; it goes back to unread first, so the folder's count shows it).
  await rows(page).first().click();
  const actions = page.getByRole('toolbar', { name: 'Message actions' });
  await actions.getByRole('button', { name: 'Mark as unread' }).click();
  await expect(actions.getByRole('button', { name: 'Mark as read' })).toBeVisible();
  await page.keyboard.press('v');
  const moveMenu = page.getByRole('combobox', { name: 'Move the message to a folder' });
  await expect(moveMenu).toBeFocused();
  await moveMenu.selectOption({ label: name });
  await expect(page.getByTestId('undo-toast')).toContainText('1 message(s) moved.');
  await expect(rows(page).filter({ hasText: subject })).toHaveCount(0);
  await expect(nav.getByTestId('nav-folder').filter({ hasText: name })).toContainText('1 unread');
  expect(await query('SELECT 1 FROM messages WHERE folder = $1', [folderId])).toHaveLength(1);

  // After a reload the name is decrypted again, and the folder opens with its mail.
  await page.reload();
  await nav.getByRole('button', { name: new RegExp(`^${name}`) }).click();
  await expect(page).toHaveURL(new RegExp(`folder=${folderId}`));
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(rows(page).filter({ hasText: subject })).toBeVisible();

  // Renamed; then deleted, and the confirmation says where its mail goes.
  const renamed = uniqueName('Receipts ');
  await nav.getByRole('button', { name: `Edit folder ${name}` }).click();
  const edit = page.getByRole('dialog', { name: 'Edit folder' });
  await edit.getByLabel('Name').fill(renamed);
  await edit.getByRole('button', { name: 'Rename' }).click();
  await expect(page.getByRole('heading', { level: 1, name: renamed })).toBeVisible();
  await nav.getByRole('button', { name: `Edit folder ${renamed}` }).click();
  await page.getByRole('dialog', { name: 'Edit folder' }).getByRole('button', { name: 'Delete folder…' }).click();
  const confirm = page.getByRole('dialog', { name: `Delete the folder “${renamed}”?` });
  await expect(confirm).toContainText('Its 1 message will be moved to Inbox');
  await confirm.getByRole('button', { name: 'Delete folder' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Inbox' })).toBeVisible();
  await expect(rows(page).filter({ hasText: subject })).toBeVisible();
  await expect(nav.getByTestId('nav-folder')).toHaveCount(0);
  expect(await query('SELECT 1 FROM mail_labels WHERE id = $1', [folderId])).toHaveLength(0);
});

test.describe('desktop notifications', () => {
  test.use({ permissions: ['notifications'] });

  test('off by default; once turned on, new mail in a hidden tab notifies, with sender and subject only when opted in', async ({ page }) => {
    // Record each Notification the page makes, and let the test say the tab is hidden.
    await page.addInitScript(() => {
      const shown: { title: string; body: string }[] = [];
      (window as unknown as { shownNotifications: typeof shown }).shownNotifications = shown;
      const Real = window.Notification;
      class Recorded extends Real {
        constructor(title: string, options?: NotificationOptions) {
          shown.push({ title, body: options?.body ?? '' });
          super(title, options);
        }
      }
      Object.defineProperty(window, 'Notification', { value: Recorded, configurable: true });
      Object.defineProperty(Document.prototype, 'hidden', { get: () => true, configurable: true });
    });
    const shown = () => page.evaluate(() => (window as unknown as { shownNotifications: { title: string; body: string }[] }).shownNotifications);
    const user = await newUser('note');
    await openMailbox(page, user);

    // Off by default: mail arrives, the list shows it, no notification.
    const quiet = uniqueName('Quiet ');
    await sendWithSwaks({ to: user.address, subject: quiet, body: 'No notification for this.' });
    await expect(rows(page).filter({ hasText: quiet })).toBeVisible(DELIVERY);
    expect(await shown()).toEqual([]);

    // On, in Settings in a second tab (this one stays open): the browser is asked (granted here),
    // and the notification says only "New mail".
    const settings = await page.context().newPage();
    await settings.goto('/settings');
    await settings.getByRole('button', { name: 'Turn on desktop notifications' }).click();
    await expect(settings.getByText('Notifications are on.')).toBeVisible();
    const secret = uniqueName('Private ');
    await sendWithSwaks({ to: user.address, subject: secret, body: 'Only the fact of it.' });
    await expect.poll(shown, DELIVERY).toEqual([{ title: 'Sealpost', body: 'New mail' }]);

    // With "show sender and subject", decrypted in the browser.
    await settings.getByLabel('Show sender and subject').check();
    const named = uniqueName('Shown ');
    await sendWithSwaks({ to: user.address, subject: named, body: 'Named in the notification.' });
    await expect.poll(shown, DELIVERY).toEqual([
      { title: 'Sealpost', body: 'New mail' },
      { title: 'sender@e2e.example', body: named },
    ]);
    await settings.close();
  });
});
