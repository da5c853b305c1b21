import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import * as openpgp from 'openpgp';
import { E2E } from '../playwright.config';
import { zbase32 } from '../server/wkd/zbase32';
import { insertVerifiedDomain } from './domain-helpers';
import { createUserWithCli, uniqueName } from './helpers';
import { openMailbox } from './session';
import { sendWithSwaks } from './mail-helpers';

const run = promisify(execFile);
const PASSWORD = 'address-e2e-password-1';

/** swaks's final reply to RCPT, for a refusal (sendWithSwaks expects success). */
async function rcptReply(to: string): Promise<string> {
  const result = await run('swaks', ['--server', '127.0.0.1', '--port', String(E2E.smtpPort), '--from', 'sender@e2e.example', '--to', to]).catch((e) => e);
  return /<\*\* (5\d\d [^\n]*)/.exec(`${result.stdout}${result.stderr}`)?.[1] ?? 'no refusal';
}

test('a new address is signed into the key in the browser and served by WKD; an alias receives until disabled', async ({ page }) => {
  const username = uniqueName('addr');
  const domain = `${uniqueName('d')}.example`;
  await createUserWithCli(username, PASSWORD);
  await insertVerifiedDomain({ username, domain });
  await openMailbox(page, { username, password: PASSWORD });
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('link', { name: 'Addresses and aliases' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Addresses and aliases' })).toBeVisible();

  // Address: the key Worker re-certifies the key with the new user ID; the server checks and stores it.
  const addresses = page.getByRole('region', { name: 'Addresses' });
  await addresses.getByLabel('New address').fill('hello');
  await addresses.getByLabel('Domain').selectOption(domain);
  await addresses.getByRole('button', { name: 'Add address' }).click();
  await expect(page.getByRole('list', { name: 'Your addresses' }).getByText(`hello@${domain}`)).toBeVisible();

  const hash = zbase32(createHash('sha1').update('hello').digest());
  const wkd = await page.request.get(`/.well-known/openpgpkey/${domain}/hu/${hash}?l=hello`);
  expect(wkd.status()).toBe(200);
  const key = await openpgp.readKey({ binaryKey: new Uint8Array(await wkd.body()) });
  expect(key.getUserIDs()).toEqual([`${username} <hello@${domain}>`]);

  // Alias: receives mail, decrypted in the inbox; disabled, it is refused with 550 5.1.1.
  const aliases = page.getByRole('region', { name: 'Aliases' });
  await aliases.getByLabel('Alias', { exact: true }).fill('shop');
  await aliases.getByLabel('Domain').selectOption(domain);
  await aliases.getByLabel('Note').fill('online shops');
  await aliases.getByRole('button', { name: 'Create alias' }).click();
  const aliasRow = page
    .getByRole('list', { name: 'Your aliases' })
    .getByRole('listitem')
    .filter({ hasText: `shop@${domain}` });
  await expect(aliasRow).toContainText('online shops');
  expect((await page.request.get(`/.well-known/openpgpkey/${domain}/hu/${zbase32(createHash('sha1').update('shop').digest())}?l=shop`)).status()).toBe(404);

  await sendWithSwaks({ to: `shop@${domain}`, subject: 'Order confirmed via alias', body: 'Your order has shipped.' });
  await expect(aliasRow).toContainText('0 blocked');
  await page.goto('/inbox');
  await expect(page.getByText('Order confirmed via alias')).toBeVisible();

  await page.goto('/settings/addresses');
  await aliasRow.getByRole('checkbox').uncheck();
  await expect(aliasRow.getByRole('checkbox')).not.toBeChecked();
  expect(await rcptReply(`shop@${domain}`)).toMatch(/^550 5\.1\.1/);
  await page.reload();
  await expect(aliasRow).toContainText('1 received · 1 blocked');
});
