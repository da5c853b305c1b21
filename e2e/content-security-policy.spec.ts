import { type Page, expect, test } from '@playwright/test';
import { fillRegistration, uniqueName } from './helpers';
import { sendWithSwaks } from './mail-helpers';

/**
 * Under the pages' Content-Security-Policy (proxy.ts) the app still works: registration (key
 * generation and Argon2id in a Worker, libsodium's WebAssembly), the inbox, an HTML message in its
 * frame, settings. Chromium reports every blocked load or script as a securitypolicyviolation event
 * and a "Refused to …" console message; neither may appear.
 */
function watchViolations(page: Page) {
  const violations: string[] = [];
  page.on('console', (msg) => {
    if (/Refused to|Content.Security.Policy|CSP violation/i.test(msg.text())) violations.push(msg.text());
  });
  page.on('worker', (worker) => worker.on('console', (msg) => /Refused to/i.test(msg.text()) && violations.push(`worker: ${msg.text()}`)));
  // Init scripts are injected by the browser, outside the page's policy.
  void page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  return violations;
}

test('registration, the inbox, an HTML message and settings run without a CSP violation', async ({ page }) => {
  const violations = watchViolations(page);
  const response = await page.goto('/register');
  expect(response?.headers()['content-security-policy']).toContain("'nonce-");

  const username = uniqueName('csp');
  const password = 'csp-Password-2026!';
  await fillRegistration(page, username, password);
  await page.getByRole('button', { name: 'Confirm and create account' }).click();
  await expect(page.getByRole('heading', { name: 'Inbox' })).toBeVisible();

  await sendWithSwaks({
    to: `${username}@localhost`,
    subject: 'Styled under CSP',
    body: '<html><body><p style="color: rgb(200, 0, 0)">Hello in red</p></body></html>',
    headers: ['Content-Type: text/html; charset=utf-8'],
  });
  await page.getByText('Styled under CSP').click();
  const frameText = page.frameLocator('iframe').getByText('Hello in red');
  await expect(frameText).toBeVisible();
  // The message's inline style applies inside the frame, which inherits the page's policy.
  await expect(frameText).toHaveCSS('color', 'rgb(200, 0, 0)');

  await page.goto('/settings');
  await expect(page.getByRole('heading', { name: 'Settings' }).first()).toBeVisible();
  expect(violations).toEqual([]);
});

test('the policy bites: an inline handler and a request to another origin are refused and reported', async ({ page }) => {
  const violations = watchViolations(page);
  await page.goto('/login');
  await page.evaluate(() => {
    document.body.insertAdjacentHTML('beforeend', '<img src="/nowhere.png" onerror="window.__injected = true">');
    void fetch('http://127.0.0.1:9/elsewhere').catch(() => undefined);
  });
  await expect.poll(() => violations.join('\n')).toContain('connect-src');
  await expect.poll(() => violations.join('\n')).toContain('script-src');
  expect(await page.evaluate(() => (window as { __injected?: boolean }).__injected)).toBeUndefined();
});
