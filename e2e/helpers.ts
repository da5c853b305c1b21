import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { type Page, expect } from '@playwright/test';
import { E2E } from '../playwright.config';

const run = promisify(execFile);

/** The CLI, pointed at the running e2e instance's data. */
const cliEnv = () => ({ ...process.env, DATA_DIR: E2E.dataDir, MAIL_DOMAIN: 'localhost', LOG_LEVEL: 'warn' });

export const uniqueName = (prefix: string) => `${prefix}${randomBytes(4).toString('hex')}`;

/** The e2e instance's database URL, from the CLI as an operator would get it (`npm run cli -- db url`). */
export async function databaseUrl(): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'bin/cli.ts', 'db', 'url'], { env: cliEnv() });
  return stdout.trim();
}

/** `npm run cli -- user create`, against the running e2e instance's database. */
export async function createUserWithCli(username: string, password: string): Promise<string> {
  const child = run(process.execPath, ['--import', 'tsx', 'bin/cli.ts', 'user', 'create', username], {
    env: cliEnv(),
  });
  child.child.stdin?.end(`${password}\n`);
  const { stdout } = await child;
  return stdout.trim();
}

export async function signIn(page: Page, username: string, password: string) {
  await page.goto('/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // Argon2id (64 MiB) runs in the browser: on a loaded machine it alone can take half a minute.
  await expect(page.getByRole('heading', { name: 'Inbox' })).toBeVisible({ timeout: 60_000 });
}

export async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login/);
}

/**
 * On /register: fills the form, saves the recovery phrase and answers the three words it asks back,
 * leaving the last click ("Confirm and create account") to the test. For tests about something
 * else than registration itself (accounts.spec.ts walks the flow step by step).
 */
export async function fillRegistration(page: Page, username: string, password: string, beforeSubmit?: () => Promise<void>) {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Confirm password').fill(password);
  await beforeSubmit?.();
  await page.getByRole('button', { name: 'Create account' }).click();
  const phraseList = page.getByTestId('recovery-phrase');
  await expect(phraseList).toBeVisible({ timeout: 60_000 });
  const words = (await phraseList.locator('li span:last-child').allTextContents()).map((w) => w.trim());
  await page.getByLabel('I have saved my recovery phrase somewhere safe.').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  const prompts = page.getByLabel(/^Word \d+$/);
  await expect(prompts).toHaveCount(3);
  for (let i = 0; i < 3; i++) {
    const id = (await prompts.nth(i).getAttribute('id'))!;
    const n = Number((await page.locator(`label[for="${id}"]`).textContent())!.replace('Word ', ''));
    await prompts.nth(i).fill(words[n - 1]!);
  }
}

/** `npm run cli -- <args>` against the running e2e instance (the admin commands: user promote, invite create, …). */
export async function cli(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'bin/cli.ts', ...args], { env: cliEnv() });
  return stdout.trim();
}
