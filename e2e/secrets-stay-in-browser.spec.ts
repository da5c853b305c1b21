import { type BrowserContext, type Page, expect, test } from '@playwright/test';
import { createUserWithCli, uniqueName } from './helpers';

/**
 * Item 7 of the hardening issue: a password or recovery phrase never leaves the browser, not even
 * when the form is submitted before React runs (JavaScript off, or its scripts still loading). Every
 * request of the context is recorded, URL and body, and searched for the secrets.
 */
const PASSWORD = 'Secret-Password-e2e-4711';
const NEW_PASSWORD = 'Other-Secret-e2e-0815';
// 24 words, only to type: what matters is that none of them goes anywhere.
const PHRASE = Array.from({ length: 24 }, (_, i) => `zebra${i}`).join(' ');
const SECRETS = [PASSWORD, NEW_PASSWORD, PHRASE, 'zebra0', 'zebra23'];

function recordRequests(context: BrowserContext) {
  const seen: string[] = [];
  context.on('request', (req) => seen.push(`${req.method()} ${req.url()}\n${req.postData() ?? ''}`));
  return {
    seen,
    assertNoSecret() {
      const all = seen.join('\n');
      // Form encoding writes spaces as '+' and escapes some characters: look for both spellings.
      for (const secret of SECRETS) {
        for (const spelling of [secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)]) {
          expect(all, `a request carried "${secret}"`).not.toContain(spelling);
        }
      }
    },
  };
}

/**
 * Fills the page's secret fields, then tries every way a browser submits a form by itself. Returns
 * whether the submit button was disabled, as it must be until React runs.
 */
async function typeSecretsAndSubmit(page: Page, path: string, button: string): Promise<boolean> {
  if (path === '/login') {
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByLabel('Password').press('Enter');
  } else if (path === '/register') {
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Confirm password').fill(PASSWORD);
    await page.getByLabel('Confirm password').press('Enter');
  } else {
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Recovery phrase').fill(PHRASE);
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Confirm new password').fill(NEW_PASSWORD);
    await page.getByLabel('Confirm new password').press('Enter');
  }
  const submit = page.getByRole('button', { name: button });
  const disabled = await submit.isDisabled();
  await submit.click({ force: true, noWaitAfter: true });
  return disabled;
}

const FORMS = [
  { path: '/login', button: 'Sign in' },
  { path: '/register', button: 'Create account' },
  { path: '/recover', button: 'Reset password' },
];

test('with JavaScript off, no form sends the password or the recovery phrase anywhere', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const requests = recordRequests(context);
  const page = await context.newPage();
  const disabled: boolean[] = [];
  for (const { path, button } of FORMS) {
    await page.goto(path);
    disabled.push(await typeSecretsAndSubmit(page, path, button));
    // A native submission would navigate; give it the chance by loading another page after it.
    await page.goto('/api/health');
    expect(requests.seen.some((r) => r.startsWith(`GET http://localhost:`) && r.includes(path))).toBe(true);
  }
  requests.assertNoSecret();
  expect(disabled).toEqual([true, true, true]);
  await context.close();
});

test('with the scripts held back, an early submit sends nothing, and sign-in once they run never sends the password', async ({ browser }) => {
  const username = uniqueName('early');
  await createUserWithCli(username, PASSWORD);
  const context = await browser.newContext();
  const requests = recordRequests(context);
  const page = await context.newPage();
  const disabled: boolean[] = [];
  for (const { path, button } of FORMS) {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    // Every script of the page, held until the form has been tried (style sheets pass: held, they
    // would block the parser, and no field would show).
    await page.route(
      (url) => url.pathname.startsWith('/_next/static/') && url.pathname.endsWith('.js'),
      async (route) => {
        await released;
        // The page may have moved on by then; the request is simply gone.
        await route.continue().catch(() => undefined);
      },
    );
    await page.goto(path, { waitUntil: 'domcontentloaded' });
    disabled.push(await typeSecretsAndSubmit(page, path, button));
    await page.goto('/api/health');
    release();
    await page.unrouteAll({ behavior: 'wait' });
  }

  // Now with scripts: a real sign-in sends only the derived key.
  await page.goto('/login');
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeEnabled();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Inbox' })).toBeVisible();
  requests.assertNoSecret();
  expect(disabled).toEqual([true, true, true]);
  expect(requests.seen.some((r) => r.includes('/api/auth/callback/credentials'))).toBe(true);
  await context.close();
});
