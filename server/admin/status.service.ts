import 'server-only';
import { readFileSync } from 'node:fs';
import { readdir, lstat, statfs } from 'node:fs/promises';
import { connect } from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Db } from '../../db/client';
import { queueDepth } from '../../db/repositories/admin-queue.repository';
import { databaseStatus } from '../../db/repositories/instance-status.repository';
import type { Settings } from '../settings';

/** What the admin console's status panel shows. Each part that fails says so instead of failing the rest. */
export interface InstanceStatus {
  version: string;
  roles: { web: boolean; smtp: boolean | null; workers: number | null };
  database: { ok: boolean; version: string | null; sizeBytes: number | null; latencyMs: number | null; error: string | null };
  queue: { queued: number; deferred: number; deadLetters: number } | null;
  disk: { path: string; usedBytes: number | null; filesystemTotalBytes: number | null; filesystemFreeBytes: number | null; approximate: boolean };
  checkedAt: string;
}

let cachedVersion: string | undefined;
function appVersion(): string {
  if (cachedVersion === undefined) {
    try {
      cachedVersion = String((JSON.parse(readFileSync(path.join(process.cwd(), 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown');
    } catch {
      // Run from elsewhere than the checkout: the panel shows "unknown" rather than failing.
      cachedVersion = 'unknown';
    }
  }
  return cachedVersion;
}

/** Whether an SMTP server answers 220 on this host's port within `timeoutMs`. */
export function probeSmtp(port: number, timeoutMs = 1500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (chunk) => {
      socket.write('QUIT\r\n');
      done(chunk.toString('latin1').startsWith('220'));
    });
  });
}

const MAX_ENTRIES = 50_000;

/** Bytes under `dir`, walking at most MAX_ENTRIES entries (then `approximate`). */
async function directorySize(dir: string): Promise<{ bytes: number; approximate: boolean }> {
  let bytes = 0;
  let seen = 0;
  const stack = [dir];
  while (stack.length > 0) {
    const current = stack.pop()!;
    let entries: string[];
    try {
      entries = await readdir(current);
    } catch {
      // A folder the web role may not read (the embedded cluster's, owned by `postgres`): counted as what we can see.
      continue;
    }
    for (const name of entries) {
      if (++seen > MAX_ENTRIES) return { bytes, approximate: true };
      const full = path.join(current, name);
      const info = await lstat(full).catch(() => undefined);
      if (!info) continue;
      if (info.isDirectory()) stack.push(full);
      else bytes += info.size;
    }
  }
  return { bytes, approximate: false };
}

export async function instanceStatus(db: Db, settings: Pick<Settings, 'dataDir' | 'smtpPort'>, now: Date): Promise<InstanceStatus> {
  const started = performance.now();
  const [database, queue, smtp, size, fs] = await Promise.all([
    databaseStatus(db).then(
      (s) => ({ ...s, latencyMs: Math.round(performance.now() - started), error: null }),
      (err: Error) => ({ error: err.message }),
    ),
    queueDepth(db).catch(() => null),
    probeSmtp(settings.smtpPort),
    directorySize(path.resolve(settings.dataDir)),
    statfs(path.resolve(settings.dataDir)).catch(() => null),
  ]);
  const dbOk = !('error' in database && database.error !== null);
  return {
    version: appVersion(),
    roles: { web: true, smtp, workers: dbOk && 'workers' in database ? database.workers : null },
    database:
      'version' in database
        ? { ok: true, version: database.version, sizeBytes: database.sizeBytes, latencyMs: database.latencyMs, error: null }
        : { ok: false, version: null, sizeBytes: null, latencyMs: null, error: 'The database did not answer.' },
    queue,
    disk: {
      path: path.resolve(settings.dataDir),
      usedBytes: size.bytes,
      filesystemTotalBytes: fs ? fs.blocks * fs.bsize : null,
      filesystemFreeBytes: fs ? fs.bavail * fs.bsize : null,
      approximate: size.approximate,
    },
    checkedAt: now.toISOString(),
  };
}
