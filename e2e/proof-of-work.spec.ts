import { type Page, expect, test } from '@playwright/test';
import { createUserWithCli, fillRegistration, uniqueName } from './helpers';

/**
 * The proof of work in a real browser: registration always solves one, and sign-in does once a
 * username has had failures. The pages show the check and its progress, and the owner still gets in.
 */

/** Records every "Checking you're not a bot…" label the page shows, however briefly. */
async function watchChecks(page: Page) {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { seenChecks: string[] }).seenChecks = seen;
    const record = () => {
      const match = document.body.innerText.match(/Checking you're not a bot… \d+%/);
      if (match && seen.at(-1) !== match[0]) seen.push(match[0]);
    };
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

const seenChecks = (page: Page) => page.evaluate(() => (window as unknown as { seenChecks: string[] }).seenChecks);

async function submitSignIn(page: Page, username: string, password: string) {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('registration solves a proof of work, shows it, and lands on Inbox', async ({ page }) => {
  const username = uniqueName('pow');
  const password = 'proof-Of-Work-2026!';
  await page.goto('/register');
  await fillRegistration(page, username, password);
  await watchChecks(page);
  await page.getByRole('button', { name: 'Confirm and create account' }).click();
  await expect(page.getByRole('heading', { name: 'Inbox' })).toBeVisible({ timeout: 60_000 });
  // The search ends wherever the server hid the counter, so the last percentage shown varies.
  expect(await seenChecks(page)).toContainEqual(expect.stringMatching(/^Checking you're not a bot… \d+%$/));
});

test('after failed sign-ins to a username, the owner signs in through a proof of work', async ({ page }) => {
  const username = uniqueName('owner');
  const password = 'owner-password-0123';
  await createUserWithCli(username, password);

  await page.goto('/login');
  for (let i = 0; i < 3; i++) {
    await submitSignIn(page, username, `guess-${i}-wrong`);
    await expect(page.getByText('Wrong username or password.')).toBeVisible({ timeout: 30_000 });
    await page.reload();
  }
  await watchChecks(page);
  await submitSignIn(page, username, password);
  await expect(page.getByRole('heading', { name: 'Inbox' })).toBeVisible({ timeout: 60_000 });
  // The search ends wherever the server hid the counter, so the last percentage shown varies.
  expect(await seenChecks(page)).toContainEqual(expect.stringMatching(/^Checking you're not a bot… \d+%$/));
});
