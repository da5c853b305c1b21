import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb, type Db } from '../../db/client';
import { type EmbeddedCluster, startEmbeddedPostgres } from '../../db/embedded';
import { migrateToLatest } from '../../db/migrate';

/**
 * A throw-away PostgreSQL that one test file (or the benchmark) owns alone: for tests that need an
 * empty users table, or that stop or freeze the database, which the shared cluster must never be.
 */
export interface OwnCluster {
  url: string;
  db: Db;
  /** SIGSTOP to the postmaster and every backend: the database hangs, connections stay open. */
  freeze(): void;
  thaw(): void;
  stop(): Promise<void>;
}

export async function startOwnCluster(options: { poolSize?: number } = {}): Promise<OwnCluster> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sealpost-own-'));
  chmodSync(dir, 0o755); // the postgres user must reach the cluster folder when this runs as root
  let cluster: EmbeddedCluster | undefined;
  try {
    cluster = await startEmbeddedPostgres({ dataDir: dir, ephemeral: true });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const db = createDb(cluster.url, { max: options.poolSize ?? 5 });
  await migrateToLatest(db);
  const postmasterPid = Number(readFileSync(path.join(dir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
  const processes = () => {
    const children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(postmasterPid)], { encoding: 'utf8' })
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((pid) => pid > 0);
    return [postmasterPid, ...children];
  };
  let frozen = false;
  const signal = (name: 'SIGSTOP' | 'SIGCONT') => {
    for (const pid of processes()) {
      try {
        process.kill(pid, name);
      } catch {
        // A backend that exited between ps and kill has nothing left to freeze.
      }
    }
  };
  return {
    url: cluster.url,
    db,
    freeze() {
      frozen = true;
      signal('SIGSTOP');
    },
    thaw() {
      frozen = false;
      signal('SIGCONT');
    },
    async stop() {
      if (frozen) signal('SIGCONT');
      await db.destroy().catch(() => undefined);
      await cluster.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
