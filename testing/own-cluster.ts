import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb, type Db } from '../db/client';
import { type EmbeddedCluster, startEmbeddedPostgres } from '../db/embedded';
import { migrateToLatest } from '../db/migrate';

/**
 * A PostgreSQL cluster that one test file (or a benchmark) owns alone, for tests that stop, kill or
 * freeze the database, or need an empty users table (the run's shared cluster must stay up and
 * shared for everyone else). Under os.tmpdir(), migrated.
 */
export interface OwnCluster {
  url: string;
  dataDir: string;
  /** A pool on it (poolSize connections), closed by destroy(). */
  db: Db;
  /** The postmaster and its children (backends, checkpointer, ...). */
  pids(): number[];
  /** SIGSTOP / SIGCONT every PostgreSQL process: a hung, not a stopped, database. */
  freeze(): void;
  thaw(): void;
  /** Fast shutdown (SIGINT to the postmaster), resolved once it has exited. */
  stopFast(): Promise<void>;
  /** Starts it again on the same port after stopFast(). */
  start(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startOwnCluster(options: { poolSize?: number } = {}): Promise<OwnCluster> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sealpost-own-pg-'));
  chmodSync(dataDir, 0o755); // the postgres user must reach it when tests run as root
  let cluster: EmbeddedCluster;
  try {
    cluster = await startEmbeddedPostgres({ dataDir, ephemeral: true });
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const db = createDb(cluster.url, { max: options.poolSize ?? 5 });
  await migrateToLatest(db);
  let frozen: number[] = [];

  const postmasterPid = () => Number(readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
  const pids = () => {
    const pid = postmasterPid();
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    return [pid, ...children];
  };
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  const thaw = () => {
    for (const pid of frozen.splice(0)) if (alive(pid)) process.kill(pid, 'SIGCONT');
  };
  return {
    url: cluster.url,
    dataDir,
    db,
    pids,
    freeze() {
      frozen = pids();
      for (const pid of frozen) {
        try {
          process.kill(pid, 'SIGSTOP');
        } catch {
          // A backend that exited between listing and signalling has nothing left to freeze.
        }
      }
    },
    thaw,
    async stopFast() {
      const pid = postmasterPid();
      process.kill(pid, 'SIGINT');
      while (alive(pid)) await new Promise((r) => setTimeout(r, 50));
    },
    async start() {
      cluster = await startEmbeddedPostgres({ dataDir, ephemeral: true });
    },
    async destroy() {
      thaw();
      await db.destroy().catch(() => undefined);
      await cluster.stop().catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
