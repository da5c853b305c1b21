import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/** scripts/lock-foreign-optionals.mjs (lock:check and lock:fix) on a small lock in a temp folder. */
const script = path.join(import.meta.dirname, 'lock-foreign-optionals.mjs');
const dir = mkdtempSync(path.join(os.tmpdir(), 'sealpost-lock-'));
const lockPath = path.join(dir, 'package-lock.json');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (...args: string[]) => {
  const result = spawnSync(process.execPath, [script, ...args, lockPath], { encoding: 'utf8', env: { ...process.env, npm_command: 'run-script' } });
  return { status: result.status, output: result.stdout + result.stderr };
};

describe('lock-foreign-optionals', () => {
  it('fails the check naming a missing foreign build, records it on fix, then passes', () => {
    writeFileSync(
      lockPath,
      JSON.stringify({
        lockfileVersion: 3,
        packages: {
          '': { name: 'x' },
          'node_modules/next': {
            version: '16.4.6',
            optionalDependencies: { '@next/swc-darwin-arm64': '16.4.6', '@next/swc-linux-x64-gnu': '16.4.6', sharp: '^0.35.5' },
          },
          'node_modules/@next/swc-linux-x64-gnu': { version: '16.4.6', optional: true },
        },
      }),
    );
    const before = run('--check');
    expect(before.status).toBe(1);
    expect(before.output).toContain('@next/swc-darwin-arm64@16.4.6');
    expect(before.output).not.toContain('sharp');
    expect(readFileSync(lockPath, 'utf8')).not.toContain('node_modules/@next/swc-darwin-arm64');

    expect(run().output).toContain('recorded 1 platform-specific optional packages');
    const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
    expect(lock.packages['node_modules/@next/swc-darwin-arm64']).toEqual({ version: '16.4.6', cpu: ['arm64'], os: ['darwin'], optional: true });
    expect(run('--check')).toMatchObject({ status: 0 });
  });

  it('passes on the repository lock, so `npm ci` works on a fresh machine', () => {
    const result = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toContain('records every platform-specific optional package');
    expect(result.status).toBe(0);
  });
});
