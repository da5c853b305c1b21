import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import pg from 'pg';
import { E2E } from '../playwright.config';
import { insertVerifiedDomain } from './domain-helpers';
import { databaseUrl, uniqueName } from './helpers';
import { newUser, openMailbox } from './session';

const run = promisify(execFile);

/** A few sends with events, written as the API and the delivery trigger would: the tabs read them. */
async function seedSends(domain: string): Promise<void> {
  const client = new pg.Client({ connectionString: await databaseUrl() });
  await client.connect();
  try {
    await client.query(
      `with m as (
         insert into platform_messages (id, domain, envelope_from, status, source, tags, send_at, created_at)
         values (gen_random_uuid(), $1, $2, 'queued', 'api', '{receipts}', now(), now() - interval '2 seconds') returning id)
       insert into platform_events (message_id, domain, recipient, type, detail, created_at)
       select m.id, $1, 'ann@example.com', t.type, t.detail, t.at from m,
         (values ('accepted', null, now() - interval '2 seconds'), ('delivered', '250 2.0.0 Ok', now())) as t(type, detail, at)`,
      [domain, `orders@${domain}`],
    );
  } finally {
    await client.end();
  }
}

test('a domain owner makes an API key (shown once) that works with curl, edits and previews a template, adds a webhook and reads stats and recent sends', async ({
  page,
}) => {
  const user = await newUser('sender');
  const domain = `${uniqueName('shop')}.example`;
  await insertVerifiedDomain({ username: user.username, domain });
  await seedSends(domain);
  await openMailbox(page, user, '/settings/domains');
  await page.getByRole('link', { name: 'Sending API' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Sending from ${domain}` })).toBeVisible();

  // API keys: shown once, listed by prefix, usable at once.
  const keyForm = page.getByRole('form', { name: 'New API key' });
  await keyForm.getByLabel('Name').fill('backend');
  await keyForm.getByLabel('Read stats').check();
  await keyForm.getByRole('button', { name: 'Create key' }).click();
  const key = (await page.getByTestId('new-api-key').textContent())!.trim();
  expect(key).toMatch(/^sp_/);
  await expect(page.getByRole('list', { name: 'API keys' })).toContainText('send, stats');
  const { stdout } = await run('curl', ['-sS', `http://localhost:${E2E.port}/api/v1/stats`, '-H', `Authorization: Bearer ${key}`]);
  expect(JSON.parse(stdout).totals[0]).toMatchObject({ accepted: 1, delivered: 1 });
  await page.reload();
  await expect(page.getByTestId('new-api-key')).toHaveCount(0);
  await expect(page.getByRole('list', { name: 'API keys' })).toContainText(key.slice(0, 10));

  // Templates: the tab list is keyboard-operable; the preview escapes HTML variables.
  await page.getByRole('tab', { name: 'API keys' }).focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'Templates' })).toHaveAttribute('aria-selected', 'true');
  const editor = page.getByRole('form', { name: 'Template editor' });
  await editor.getByLabel('Name').fill('welcome');
  await editor.getByLabel('Subject').fill('Welcome, {{name}}');
  await editor.getByLabel('HTML', { exact: true }).fill('<p>Hello {{name}}</p>');
  await editor.getByRole('button', { name: 'Create template' }).click();
  await expect(page.getByRole('list', { name: 'Templates' })).toContainText('welcome v1');
  await page.getByLabel('Variables (JSON)').fill('{"name": "<Ann>"}');
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.getByTestId('template-preview')).toContainText('Subject: Welcome, <Ann>');
  await expect(page.getByTestId('template-preview')).toContainText('Hello <Ann>');
  await page.getByLabel('Variables (JSON)').fill('{not json');
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.getByText('Variables must be a JSON object')).toBeVisible();

  // Webhooks: the secret once, then the history (empty: nothing happened since).
  await page.getByRole('tab', { name: 'Webhooks' }).click();
  await page.getByRole('form', { name: 'New webhook' }).getByLabel('URL').fill('https://hooks.example/sealpost');
  await page.getByRole('button', { name: 'Add webhook' }).click();
  await expect(page.getByText(/Signing secret \(shown once\)/)).toBeVisible();
  await page.getByRole('button', { name: 'History' }).click();
  await expect(page.getByText('No deliveries yet.')).toBeVisible();

  // Stats and recent sends, also at phone width.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole('tab', { name: 'Stats' }).click();
  await expect(page.getByTestId('stats-table')).toContainText('1');
  await expect(page.locator('.recharts-wrapper')).toBeVisible();
  await page.getByRole('tab', { name: 'Recent sends' }).click();
  await expect(page.getByTestId('recent-sends')).toContainText('ann@example.com: delivered');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

test('the API reference page renders the OpenAPI document with Scalar', async ({ page }) => {
  await page.goto('/docs/api');
  await expect(page.getByText('Sealpost sending API').first()).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText('Send one message').first()).toBeVisible();
});
