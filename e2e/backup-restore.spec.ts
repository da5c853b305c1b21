import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import nodemailer from 'nodemailer';
import { freePort } from '../db/embedded';
import { E2E } from '../playwright.config';
import { uniqueName } from './helpers';
import { newUser } from './session';

/**
 * A backup of the running e2e instance, taken with `npm run cli -- backup` while SMTP load runs,
 * restored into a fresh DATA_DIR and started as a second Sealpost: every message that got a 250
 * before the backup started is in its inbox, and opens and decrypts in Chromium.
 */
const root = path.resolve(import.meta.dirname, '..');
const run = promisify(execFile);
const PASSWORD = 'backup-password-0123';

test('a backup taken under SMTP load restores into a new instance whose mail opens in the browser', async ({ page }) => {
  test.setTimeout(240_000);
  const user = await newUser('backup', PASSWORD);
  const tag = uniqueName('bk');
  const accepted: { subject: string; at: number }[] = [];
  let loading = true;
  let n = 0;
  const sender = async () => {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: E2E.smtpPort, secure: false, ignoreTLS: true, pool: true, maxConnections: 1 });
    // At most 40 messages, so they all fit on the inbox's first page (50) of the restored instance.
    while (loading && n < 40) {
      const subject = `${tag} [${n++}]`;
      const info = await transport.sendMail({ from: 'load@e2e.example', to: user.address, subject, text: `Body of ${subject}.` });
      if (info.response.startsWith('250')) accepted.push({ subject, at: Date.now() });
    }
    transport.close();
  };
  const load = Promise.all([sender(), sender(), sender()]);
  await expect.poll(() => accepted.length, { timeout: 60_000 }).toBeGreaterThanOrEqual(6);

  const dir = mkdtempSync(path.join(os.tmpdir(), 'sealpost-e2e-backup-'));
  chmodSync(dir, 0o755);
  const target = path.join(dir, 'restored');
  const file = path.join(dir, 'sealpost.backup');
  writeFileSync(path.join(dir, 'pass'), 'an e2e backup passphrase\n');
  const cliEnv = { ...process.env, LOG_LEVEL: 'warn', DATABASE_URL: '', SECRET_KEY: '' };
  let restored: ChildProcess | undefined;
  try {
    const startedAt = Date.now();
    const before = accepted.filter((a) => a.at < startedAt);
    // The running instance's DATA_DIR: the CLI finds its embedded database through sealpost.pid.
    const backup = await run(process.execPath, ['--import', 'tsx', 'bin/cli.ts', 'backup', file, '--passphrase-file', path.join(dir, 'pass')], {
      cwd: root,
      env: { ...cliEnv, DATA_DIR: E2E.dataDir },
    });
    expect(backup.stderr).toMatch(/Backup written: .*encrypted\./);
    loading = false;
    await load;
    await run(process.execPath, ['--import', 'tsx', 'bin/cli.ts', 'restore', file, '--passphrase-file', path.join(dir, 'pass')], {
      cwd: root,
      env: { ...cliEnv, DATA_DIR: target },
    });

    const port = await freePort();
    const url = `http://localhost:${port}`;
    restored = spawn(process.execPath, ['--import', 'tsx', 'bin/sealpost.ts', 'start', 'web'], {
      cwd: root,
      env: { ...cliEnv, DATA_DIR: target, PORT: String(port), PUBLIC_URL: url, MAIL_DOMAIN: 'localhost' },
      stdio: 'ignore',
    });
    await expect
      .poll(
        () =>
          fetch(`${url}/api/health`).then(
            (r) => r.status,
            () => 0,
          ),
        { timeout: 120_000 },
      )
      .toBe(200);

    await page.goto(`${url}/login`);
    await page.getByLabel('Username').fill(user.username);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Argon2id in the browser, then the key Worker: slow on a busy machine.
    await expect(page.getByRole('heading', { name: 'Inbox' })).toBeVisible({ timeout: 90_000 });
    const rows = page.getByTestId('message-row').filter({ hasText: tag });
    await expect(rows.first()).toBeVisible({ timeout: 60_000 });
    const shown = new Set((await rows.locator('p').allTextContents()).map((t) => t.trim()));
    expect(before.filter((m) => !shown.has(m.subject))).toEqual([]);
    const first = before[0]!.subject;
    await rows.filter({ hasText: first }).click();
    await expect(page.getByRole('heading', { level: 2, name: first })).toBeVisible();
    await expect(page.getByTestId('message-text')).toContainText(`Body of ${first}.`);
  } finally {
    loading = false;
    restored?.kill('SIGTERM');
    if (restored) await new Promise((resolve) => restored!.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
});
