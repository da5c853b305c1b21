import { expect, test } from '@playwright/test';
import { setZoneEntry } from './domain-helpers';
import { uniqueName } from './helpers';
import { sendWithSwaks } from './mail-helpers';
import { newUser, openMailbox } from './session';

/**
 * The dmarc plugin (PLUGINS=dmarc in the e2e instance) end to end: a message that fails DMARC under
 * p=quarantine is filed in Spam, shows a red warning when opened, and "Not spam" / "Report spam"
 * move it between Spam and the Inbox.
 */
const DELIVERY = { timeout: 60_000 };

test('a message failing DMARC under p=quarantine lands in Spam with a red warning; Not spam / Report spam move it', async ({ page }) => {
  const user = await newUser('spam');
  const domain = `${uniqueName('quarantine')}.example`;
  // SPF allows only another address, so mail from 127.0.0.1 fails it and, unaligned, DMARC.
  setZoneEntry(domain, { TXT: ['v=spf1 ip4:192.0.2.1 -all'] });
  setZoneEntry(`_dmarc.${domain}`, { TXT: ['v=DMARC1; p=quarantine'] });
  const subject = uniqueName('Quarantined ');
  await sendWithSwaks({ to: user.address, subject, body: 'Claim your prize.', from: `news@${domain}` });

  await openMailbox(page, user);
  const folders = page.getByRole('navigation', { name: 'Folders' });
  await folders.getByRole('button', { name: 'Spam' }).click();
  const row = page.getByTestId('message-row').filter({ hasText: subject });
  await expect(row).toBeVisible(DELIVERY);
  await row.click();
  await expect(page.getByRole('heading', { level: 2, name: subject })).toBeVisible();
  const warning = page.getByTestId('alert-error').filter({ hasText: 'failed DMARC' });
  await expect(warning).toBeVisible();
  await expect(warning).toHaveClass(/\bbg-red-50\b/);

  await page.getByRole('button', { name: 'Not spam' }).click();
  await expect(row).toHaveCount(0);
  await folders.getByRole('button', { name: /^Inbox/ }).click();
  await expect(row).toBeVisible();
  await row.click();
  await page.getByRole('button', { name: 'Report spam' }).click();
  await expect(row).toHaveCount(0);
  await folders.getByRole('button', { name: 'Spam' }).click();
  await expect(row).toBeVisible();
});

test('a filter rule labels mail at arrival: the label chosen by its decrypted name in Settings → Filters', async ({ page }) => {
  // The chip on a row is drawn in the plain message list.
  await page.addInitScript(() => localStorage.setItem('sealpost.conversation-view', 'off'));
  const user = await newUser('labelrule');
  const label = uniqueName('Invoices ');
  const token = uniqueName('inv');
  await openMailbox(page, user);
  await page.getByRole('button', { name: '+ New label' }).click();
  const dialog = page.getByRole('dialog', { name: 'New label' });
  await dialog.getByLabel('Name').fill(label);
  await dialog.getByRole('button', { name: 'Create label' }).click();
  await expect(dialog).toBeHidden();

  await page.goto('/settings');
  const form = page.getByRole('form', { name: 'Add a rule' });
  await form.getByLabel('When').selectOption({ label: 'Subject contains' });
  await form.getByLabel('Text').fill(token);
  await form.getByLabel('Then').selectOption({ label: 'Label as' });
  await form.getByRole('combobox', { name: 'Label', exact: true }).selectOption({ label });
  await form.getByRole('button', { name: 'Add rule' }).click();
  await expect(page.getByRole('list', { name: 'Filter rules' })).toContainText(`Subject contains “${token}” → Label as “${label}”`);

  const subject = `Your ${token} for March`;
  await sendWithSwaks({ to: user.address, subject, body: 'Amount due: 12 EUR.' });
  const other = uniqueName('Lunch ');
  await sendWithSwaks({ to: user.address, subject: other, body: 'No rule for this one.' });
  await page.goto('/inbox');
  const row = page.getByTestId('message-row').filter({ hasText: subject });
  await expect(row).toBeVisible(DELIVERY);
  await expect(row.getByTestId('row-label')).toHaveText(label);
  await expect(page.getByTestId('message-row').filter({ hasText: other })).toBeVisible(DELIVERY);
  await expect(page.getByTestId('row-label')).toHaveCount(1);
});
