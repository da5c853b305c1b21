import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { createDb } from '../db/client';
import { type EmbeddedCluster, readClusterUrl, startEmbeddedPostgres } from '../db/embedded';
import { migrateToLatest } from '../db/migrate';
import type { Env } from '../server/env';

/**
 * What the supervisor and the CLI share about a DATA_DIR: the generated secret, and the runtime file
 * that tells the CLI which database a running Sealpost uses.
 */
interface RuntimeInfo {
  pid: number;
  databaseUrl: string;
  startedAt: string;
}

const runtimeFile = (dataDir: string) => path.join(path.resolve(dataDir), 'sealpost.pid');

/** SECRET_KEY from the environment, or one generated on first start and kept in DATA_DIR. */
export function loadOrCreateSecret(env: Env): string {
  if (env.SECRET_KEY) return env.SECRET_KEY;
  const dataDir = path.resolve(env.DATA_DIR);
  const file = path.join(dataDir, 'secret.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function readRunning(dataDir: string): RuntimeInfo | undefined {
  const file = runtimeFile(dataDir);
  if (!existsSync(file)) return undefined;
  const info = JSON.parse(readFileSync(file, 'utf8')) as RuntimeInfo;
  return isAlive(info.pid) ? info : undefined;
}

export function writeRunning(dataDir: string, databaseUrl: string): void {
  const info: RuntimeInfo = { pid: process.pid, databaseUrl, startedAt: new Date().toISOString() };
  writeFileSync(runtimeFile(dataDir), JSON.stringify(info), { mode: 0o600 });
}

export function clearRunning(dataDir: string): void {
  rmSync(runtimeFile(dataDir), { force: true });
}

export interface OpenDatabase {
  url: string;
  /** Set when this process started the embedded cluster and must stop it. */
  cluster?: EmbeddedCluster;
  source: 'DATABASE_URL' | 'running' | 'embedded';
}

/** DATABASE_URL, else the running Sealpost's embedded database, else start the embedded one. */
export async function openDatabase(env: Env, onLog?: (line: string) => void): Promise<OpenDatabase> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, source: 'DATABASE_URL' };
  const running = readRunning(env.DATA_DIR);
  if (running) return { url: running.databaseUrl, source: 'running' };
  const cluster = await startEmbeddedPostgres({ dataDir: env.DATA_DIR, onLog });
  return { url: cluster.url, cluster, source: 'embedded' };
}

export async function migrate(url: string): Promise<string[]> {
  // A migration may legitimately run long: only connecting is bounded.
  const db = createDb(url, { max: 1, timeouts: { connectMs: 10_000, statementMs: 0, queryMs: 0, idleInTransactionMs: 0 } });
  try {
    // Reach the database first: a connection error then keeps its code (ECONNREFUSED, ...), which
    // tells "not there yet" from a failing migration.
    await sql`SELECT 1`.execute(db);
    return await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
}

export { readClusterUrl };
