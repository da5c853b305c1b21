import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createTestUser } from '../testing/factories';
import { useIsolatedDb } from '../testing/outbound/isolated-db';

/**
 * The CLI's admin commands as an operator runs them: a real process, against a database of the
 * file's own (promoting and demoting changes who the admins are, which postmaster routing reads).
 */
const isolated = useIsolatedDb();
const root = path.resolve(import.meta.dirname, '..');
const execute = promisify(execFile);
const cli = (...args: string[]) =>
  execute(process.execPath, ['--import', 'tsx', 'bin/cli.ts', ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: isolated.url(), LOG_LEVEL: 'warn', PUBLIC_URL: 'https://mail.example.test' },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
  );

describe('npm run cli', () => {
  it('prints the usage and exits 2 on an unknown command', async () => {
    const result = await cli('frobnicate', 'now');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('user disable|enable|delete|promote|demote <username>');
    expect(result.stderr).toContain('invite create');
  });

  it('lists, disables, enables, promotes, demotes and deletes users', async () => {
    const db = isolated.db();
    const user = await createTestUser(db);
    await createTestUser(db, { isAdmin: true });
    const listed = await cli('user', 'list', user.username);
    expect(listed.code).toBe(0);
    expect(listed.stdout.trim().split('\t').slice(0, 1)).toEqual([`${user.username}@localhost`]);

    expect((await cli('user', 'disable', user.username)).code).toBe(0);
    expect((await cli('user', 'list', user.username)).stdout).toMatch(/\tdisabled\n$/);
    expect((await cli('user', 'enable', user.username)).code).toBe(0);
    expect((await cli('user', 'promote', user.username)).code).toBe(0);
    expect((await cli('user', 'list', user.username)).stdout).toMatch(/\tadmin\t-\n$/);
    const demoted = await cli('user', 'demote', user.username);
    expect([demoted.code, demoted.stderr]).toEqual([0, `${user.username}: demoted.\n`]);
    expect((await cli('user', 'delete', user.username)).code).toBe(0);
    expect((await cli('user', 'list', user.username)).stdout).toBe('');
    const missing = await cli('user', 'disable', user.username);
    expect([missing.code, missing.stderr.trim()]).toEqual([1, `There is no user ${user.username}.`]);

    const events = await db.selectFrom('audit_log').select(['event', 'details']).where('event', 'like', 'admin.user.%').orderBy('id').execute();
    const mine = events.filter((e) => (e.details as { target?: string }).target === user.username).map((e) => e.event);
    expect(mine).toEqual(['admin.user.disabled', 'admin.user.enabled', 'admin.user.promoted', 'admin.user.demoted', 'admin.user.deleted']);
  });

  it('creates a single-use invitation link on PUBLIC_URL', async () => {
    const result = await cli('invite', 'create');
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^https:\/\/mail\.example\.test\/register\?invite=[A-Za-z0-9_-]{32}$/);
  });
});
