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
  await expect(page.getByRole('heading', { name: 'Inbox' })).toBeVisible();
}

export async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login/);
}
