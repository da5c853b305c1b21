/**
 * `npm run bench:auth`: time to register and to sign in, in Debian's Chromium on this machine, with
 * the real Argon2id parameters (crypto/kdf.ts DEFAULT_KDF). Starts its own Sealpost (web role) on a
 * throw-away embedded database; needs a built app (`npx next build`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { DEFAULT_KDF } from '../crypto/kdf';
import { freePort } from '../db/embedded';

const RUNS = Number(process.env.RUNS ?? 5);
const root = path.resolve(import.meta.dirname, '..');

async function startSealpost(dataDir: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/sealpost.ts', 'start', 'web'], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  for (let i = 0; i < 400; i++) {
    if ((await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => null))?.ok) return child;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('Sealpost did not come up');
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sealpost-bench-'));
  chmodSync(dataDir, 0o755);
  const port = await freePort();
  const server = await startSealpost(dataDir, port);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const keys: number[] = [];
  const create: number[] = [];
  const signIn: number[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const page = await browser.newPage({ baseURL: `http://localhost:${port}` });
      const username = `bench${run}${Date.now().toString(36)}`;
      const password = 'bench-Password-2026!';
      await page.goto('/register');
      await page.getByLabel('Username').fill(username);
      await page.getByLabel('Password', { exact: true }).fill(password);
      await page.getByLabel('Confirm password').fill(password);
      let t = performance.now();
      await page.getByRole('button', { name: 'Create account' }).click();
      const phrase = page.getByTestId('recovery-phrase');
      await phrase.waitFor({ timeout: 120_000 });
      keys.push(performance.now() - t);
      const words = (await phrase.locator('li span:last-child').allTextContents()).map((w) => w.trim());
      await page.getByLabel('I have saved my recovery phrase somewhere safe.').check();
      await page.getByRole('button', { name: 'Continue' }).click();
      for (const input of await page.getByLabel(/^Word \d+$/).all()) {
        const id = await input.getAttribute('id');
        const n = Number((await page.locator(`label[for="${id}"]`).textContent())!.replace('Word ', ''));
        await input.fill(words[n - 1]!);
      }
      t = performance.now();
      await page.getByRole('button', { name: 'Confirm and create account' }).click();
      await page.getByRole('heading', { name: 'Inbox' }).waitFor({ timeout: 60_000 });
      create.push(performance.now() - t);

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(/\/login/);
      await page.getByLabel('Username').fill(username);
      await page.getByLabel('Password').fill(password);
      t = performance.now();
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Inbox' }).waitFor({ timeout: 60_000 });
      signIn.push(performance.now() - t);
      await page.close();
    }
  } finally {
    await browser.close();
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
  const fmt = (xs: number[]) => `median ${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`;
  console.log(`Argon2id: opslimit ${DEFAULT_KDF.opslimit}, memlimit ${DEFAULT_KDF.memlimit / 1024 / 1024} MiB; ${RUNS} runs in Chromium`);
  console.log(`register, keys + 2x Argon2id (click to phrase shown): ${fmt(keys)}`);
  console.log(`register, save + sign in + unlock (confirm to Inbox):  ${fmt(create)}`);
  console.log(`register, total:                                       median ${(median(keys) + median(create)).toFixed(0)} ms`);
  console.log(`sign in (click to Inbox, incl. Argon2id + unwrap):     ${fmt(signIn)}`);
}

await main();
