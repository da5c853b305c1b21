import { randomBytes } from 'node:crypto';
import { type Page, expect, test } from '@playwright/test';
import pg from 'pg';
import { databaseUrl, uniqueName } from './helpers';
import { sendWithSwaks } from './mail-helpers';
import { newUser, openMailbox } from './session';
import { type E2eSink, startE2eSink } from './sink';

/**
 * Identities: a display name and a signature per address or alias, encrypted to the user's key;
 * compose puts them on the From and in the body, and a reply to mail received at an alias goes out
 * From that alias. Outbound mail reaches a sink on loopback through the test DNS server's MX.
 */
let sink: E2eSink;
test.beforeAll(async () => {
  sink = await startE2eSink();
});
test.afterAll(() => sink?.close());

async function sql<T extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<T[]> {
  const client = new pg.Client({ connectionString: await databaseUrl() });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

const delivered = async (to: string) => {
  await sink.waitFor((all) => all.some((m) => m.recipients.includes(to)), 60_000);
  const [message] = sink.to(to);
  return { ...message!, text: message!.raw.toString('latin1') };
};

const editor = (page: Page) => page.getByTestId('compose').getByTestId('rich-editor');

test('a display name and signature go out on the From and in the body; a reply to an alias comes From the alias', async ({ page }) => {
  // Sign-in (Argon2id in the browser) and two sends, each waiting out the undo window before the
  // worker delivers it: on a loaded machine this takes minutes.
  test.setTimeout(240_000);
  const user = await newUser('ident');
  const alias = `${uniqueName('shop')}@localhost`;
  await sql(
    `insert into addresses (user_id, domain_id, local_part, domain, address, kind, alias_style)
     select id, null, $2, 'localhost', $3, 'alias', 'custom' from users where username = $1`,
    [user.username, alias.split('@')[0], alias],
  );
  const canary = `sig${randomBytes(6).toString('hex')}`;
  const signature = `Ada L. ${canary}`;
  const elsewhere = sink.domainFor('ext');

  // Settings: the main address gets a name and a signature, typed in the compose editor.
  await openMailbox(page, user, '/settings/identities');
  await expect(page.getByRole('heading', { level: 1, name: 'Names and signatures' })).toBeVisible();
  const identities = page.getByRole('list', { name: 'Your identities' });
  await expect(identities.getByTestId('identity')).toHaveCount(2);
  await page.getByRole('button', { name: `Edit ${user.address}` }).click();
  const form = page.getByRole('form', { name: `Name and signature for ${user.address}` });
  await form.getByLabel('Display name').fill('Ada Lovelace');
  await form.getByRole('textbox', { name: 'Signature' }).click();
  await page.keyboard.type(signature);
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form).toBeHidden();
  await expect(identities.getByTestId('identity').filter({ hasText: user.address })).toContainText(`Ada Lovelace <${user.address}>`);
  await expect(identities.getByTestId('identity').filter({ hasText: user.address })).toContainText(signature);
  // Stored as ciphertext only: neither the name nor the signature is readable in the database.
  const [row] = await sql<{ ciphertext: Buffer }>('select ciphertext from sending_identities where address = $1', [user.address]);
  expect(row!.ciphertext.toString('latin1')).not.toContain(canary);
  expect(row!.ciphertext.toString('latin1')).not.toContain('Lovelace');

  // Compose: the signature is in the body; the alias (no signature) swaps it out, and back.
  await page.goto('/inbox');
  await page.getByRole('heading', { name: 'Inbox' }).click();
  await page.keyboard.press('c');
  const compose = page.getByTestId('compose');
  const from = compose.getByLabel('From');
  await expect(from).toHaveValue(user.address);
  await expect(from.locator('option:checked')).toHaveText(`Ada Lovelace <${user.address}>`);
  await expect(editor(page)).toContainText(signature);
  await from.selectOption(alias);
  await expect(editor(page)).not.toContainText(canary);
  await from.selectOption(user.address);
  await expect(editor(page)).toContainText(signature);

  const bob = `bob@${elsewhere}`;
  const to = compose.getByRole('combobox', { name: 'To' });
  await to.fill(bob);
  await to.press('Enter');
  await expect(compose.getByTestId('recipient-chip')).toHaveAttribute('data-kind', 'external', { timeout: 20_000 });
  await compose.getByLabel('Subject').fill('Engines');
  await editor(page).press('Control+Home');
  await page.keyboard.type('The engine weaves algebra.');
  await compose.getByRole('button', { name: 'Send', exact: true }).click();
  const first = await delivered(bob);
  expect(first.text).toMatch(new RegExp(`^From: "Ada Lovelace" <${user.address}>\\r$`, 'm'));
  expect(first.text).toMatch(/^DKIM-Signature: .*d=localhost;/m);
  expect(first.text).toContain('The engine weaves algebra.');
  expect(first.text).toContain(signature);

  // Mail to the alias; the reply's From is the alias, and so is the delivered reply's.
  const carol = `carol@${elsewhere}`;
  const subject = `Order ${canary}`;
  await sendWithSwaks({ from: carol, to: alias, subject, body: 'Where is my order?' });
  await page.goto('/inbox');
  await page.getByTestId('message-row').filter({ hasText: subject }).click();
  await expect(page.getByRole('heading', { level: 2, name: subject })).toBeVisible();
  await page.getByRole('button', { name: 'Reply', exact: true }).click();
  const reply = page.getByTestId('compose');
  await expect(reply.getByLabel('From')).toHaveValue(alias);
  await expect(reply.getByTestId('recipient-chip')).toContainText(carol);
  // The alias has no signature of its own.
  await expect(editor(page)).toContainText('Where is my order?');
  await expect(editor(page)).not.toContainText(signature);
  await editor(page).press('Control+Home');
  await page.keyboard.type('On its way.');
  await reply.getByRole('button', { name: 'Send', exact: true }).click();
  const answer = await delivered(carol);
  expect(answer.envelopeFrom).toBe(alias);
  expect(answer.text).toMatch(new RegExp(`^From: ${alias}\\r$`, 'm'));
  expect(answer.text).not.toContain(user.address);
  expect(answer.text).toMatch(/^DKIM-Signature: .*d=localhost;/m);
  expect(answer.text).toContain('On its way.');
});
