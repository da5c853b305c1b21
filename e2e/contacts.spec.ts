import { readFile } from 'node:fs/promises';
import { type Page, expect, test } from '@playwright/test';
import { uniqueName } from './helpers';
import { sendWithSwaks } from './mail-helpers';
import { newUser, openMailbox } from './session';

/**
 * The address book end to end: contacts are encrypted in the browser, so they are there after a
 * reload and compose suggests them from two letters; vCard files go in and out; a sender becomes a
 * contact from the reading pane.
 */
const DELIVERY = { timeout: 60_000 };

const contactRow = (page: Page, text: string) => page.getByTestId('contact-row').filter({ hasText: text });

test('add a contact, reload, pick it in compose by keyboard; import and export vCard; add a sender', async ({ page }) => {
  const user = await newUser('ctc');
  const tag = uniqueName('');
  const dave = `dave.${tag}@example.org`;
  const sender = `gina.${tag}@e2e.example`;
  const delivered = sendWithSwaks({ to: user.address, subject: `Hello ${tag}`, body: 'Add me.', from: sender });
  await openMailbox(page, user, '/contacts');
  await expect(page.getByRole('heading', { name: 'Contacts', level: 1 })).toBeVisible();
  await expect(page.getByText('No contacts yet.')).toBeVisible();

  // The form says what to fix: a bad address, then a key the server won't pin (in words, not zod).
  await page.getByRole('button', { name: 'Add contact' }).click();
  const form = page.getByRole('form', { name: 'New contact' });
  await form.getByLabel('Name').fill('Dave Example');
  await form.getByLabel('Email addresses').fill('dave at example');
  await form.getByRole('button', { name: 'Save contact' }).click();
  await expect(form.getByLabel('Email addresses')).toHaveAccessibleDescription(/isn't an email address/);
  await form.getByLabel('Email addresses').fill(dave);
  await form.getByLabel('OpenPGP public key (optional)').fill('hello');
  await form.getByRole('button', { name: 'Save contact' }).click();
  await expect(form.getByText(/^That is not an OpenPGP public key\. Paste the whole block/)).toBeVisible();
  await expect(form.getByText(/Too small|expected/)).toHaveCount(0);
  await form.getByLabel('OpenPGP public key (optional)').fill('');
  await form.getByLabel('Notes').fill('Met at the bike club');
  await form.getByRole('button', { name: 'Save contact' }).click();
  await expect(page.getByText('Saved Dave Example.')).toBeVisible();

  // Import: a bad file is refused in words; a good one adds every card.
  const picker = page.getByLabel('Import a vCard file');
  await picker.setInputFiles({ name: 'notes.vcf', mimeType: 'text/vcard', buffer: Buffer.from('just some text\n') });
  await expect(page.getByRole('alert').filter({ hasText: 'That file holds no vCard' })).toBeVisible();
  const vcf = [
    'BEGIN:VCARD\r\nVERSION:3.0\r\nN:Other;Dana;;;\r\nEMAIL;TYPE=INTERNET:dana.' + tag + '@example.org\r\nEND:VCARD\r\n',
    'BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Erin Import\r\nEMAIL:erin.' + tag + '@example.net\r\nNOTE:from a file\r\nEND:VCARD\r\n',
  ].join('');
  await picker.setInputFiles({ name: 'contacts.vcf', mimeType: 'text/vcard', buffer: Buffer.from(vcf) });
  await expect(page.getByText('Imported 2 contacts.')).toBeVisible();

  // After a reload everything is still there (decrypted again in the browser), and search works.
  await page.reload();
  await expect(page.getByTestId('contact-row')).toHaveCount(3);
  await page.getByLabel('Search contacts').fill('bike');
  await expect(page.getByTestId('contact-row')).toHaveCount(1);
  await expect(contactRow(page, 'Dave Example')).toContainText(dave);
  await page.getByLabel('Search contacts').fill('');

  // Export all: one vCard file with every contact.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export all (3)' }).click();
  const file = await readFile((await (await download).path())!, 'utf8');
  expect(file.match(/BEGIN:VCARD/g)).toHaveLength(3);
  expect(file).toContain(`EMAIL:${dave}`);
  expect(file).toContain('FN:Dana Other');
  expect(file).toContain('NOTE:Met at the bike club');

  // Compose after a full load of the mailbox: "da" offers Dana and Dave; the keyboard picks Dave.
  await openMailbox(page, user);
  await page.getByRole('heading', { name: 'Inbox' }).click();
  await page.keyboard.press('c');
  const compose = page.getByTestId('compose');
  const to = compose.getByRole('combobox', { name: 'To' });
  await to.pressSequentially('da');
  const options = compose.getByRole('listbox', { name: 'Suggestions for To' }).getByRole('option');
  await expect(options).toHaveText([`Dana Other dana.${tag}@example.org`, `Dave Example ${dave}`]);
  await to.press('ArrowDown');
  await expect(to).toHaveAttribute('aria-activedescendant', (await options.nth(1).getAttribute('id'))!);
  await to.press('Enter');
  await expect(compose.getByTestId('recipient-chip')).toHaveCount(1);
  await expect(compose.getByTestId('recipient-chip')).toHaveAttribute('title', new RegExp(`^Dave Example <${dave.replace(/\./g, '\\.')}>`));

  // From a message: the sender becomes a contact in one click.
  await delivered;
  await page.goto('/inbox');
  const message = page.getByTestId('message-row').filter({ hasText: `Hello ${tag}` });
  await expect(message).toBeVisible(DELIVERY);
  await message.click();
  await page.getByRole('button', { name: `Add ${sender} to contacts` }).click();
  await expect(page.getByText(`${sender} is in your contacts.`)).toBeVisible();

  // A phone-sized address book: nothing wider than the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/contacts');
  await expect(page.getByTestId('contact-row')).toHaveCount(4);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});
