import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EnvError, parseEnv } from '../server/env';
import { backoffDelay } from '../server/backoff';
import { configureLogger, logger } from '../server/logger';
import { buildIsStale, runBuild } from './build';
import { keepClusterRunning } from './database-keeper';
import { clearRunning, loadOrCreateSecret, migrate, openDatabase, readRunning, writeRunning } from './runtime';
import { killAfterMs, type RoleSpec, Supervisor } from './supervisor';

/**
 * `npm start`: one process that owns the embedded database (when DATABASE_URL is unset), applies
 * migrations, builds the web bundle if its sources changed, and supervises the roles.
 * `npm run start:<role>` runs one role the same way.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const ROLES = ['web', 'smtp', 'worker'] as const;
type Role = (typeof ROLES)[number];

function roleSpec(role: Role, env: NodeJS.ProcessEnv, port: number): RoleSpec {
  const childEnv = { ...env, SEALPOST_ROLE: role };
  switch (role) {
    case 'web':
      // Our own server in front of Next: it resolves the client address (server/web/main.ts).
      return {
        name: role,
        command: process.execPath,
        args: ['--import', 'tsx', path.join(root, 'server', 'web', 'main.ts')],
        env: { ...childEnv, PORT: String(port) },
      };
    case 'smtp':
      return { name: role, command: process.execPath, args: ['--import', 'tsx', path.join(root, 'smtp', 'main.ts')], env: childEnv };
    case 'worker':
      return { name: role, command: process.execPath, args: ['--import', 'tsx', path.join(root, 'server', 'jobs', 'main.ts')], env: childEnv };
  }
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  const roles = (rest.length ? rest : ROLES) as Role[];
  const unknown = roles.filter((r) => !ROLES.includes(r));
  if (command !== 'start' || unknown.length) {
    console.error(`usage: sealpost start [${ROLES.join('|')} ...]${unknown.length ? `\nunknown role: ${unknown.join(', ')}` : ''}`);
    process.exit(2);
  }

  let env;
  try {
    env = parseEnv();
  } catch (err) {
    if (err instanceof EnvError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  configureLogger({ level: env.LOG_LEVEL, role: 'main' });
  process.chdir(root);
  const dataDir = path.resolve(env.DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const running = readRunning(dataDir);
  if (running) {
    console.error(`Sealpost is already running with DATA_DIR=${dataDir} (pid ${running.pid}).`);
    process.exit(1);
  }

  const secretKey = loadOrCreateSecret(env);
  const db = await openDatabase(env, (line) => {
    if (/\b(ERROR|FATAL|PANIC)\b/.test(line)) logger.warn({ postgres: line.trim().slice(0, 500) }, 'postgres');
  });
  stopDatabaseOnFailure = () => db.cluster?.stop();
  logger.info({ database: db.source }, 'database ready');
  const applied = await migrateWhenReachable(db.url);
  if (applied.length) logger.info({ migrations: applied }, 'migrations applied');
  writeRunning(dataDir, db.url);

  // Roles are restarted for as long as Sealpost runs, and killed only after their own deadline.
  const supervisor = new Supervisor(logger, { stopTimeoutMs: killAfterMs(env.SHUTDOWN_TIMEOUT_MS) });
  let shuttingDown = false;
  if (db.cluster) keepClusterRunning(db.cluster, logger, { isStopping: () => shuttingDown });
  async function shutdown(code: number, reason: string) {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ reason }, 'shutting down');
    await supervisor.stopAll();
    await db.cluster?.stop();
    clearRunning(dataDir);
    logger.info('stopped');
    process.exit(code);
  }
  process.on('SIGINT', () => void shutdown(0, 'SIGINT'));
  process.on('SIGTERM', () => void shutdown(0, 'SIGTERM'));

  try {
    if (roles.includes('web') && buildIsStale(root)) {
      logger.info('building the web app (sources changed since the last build)');
      await runBuild(root, require.resolve('next/dist/bin/next'));
    }
  } catch (err) {
    logger.error({ err: (err as Error).message }, 'build failed');
    await shutdown(1, 'build failed');
  }

  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: db.url,
    DATA_DIR: dataDir,
    SECRET_KEY: secretKey,
    NEXTAUTH_URL: env.PUBLIC_URL ?? `http://localhost:${env.PORT}`,
    NEXT_TELEMETRY_DISABLED: '1',
    NODE_ENV: 'production',
  };
  for (const role of roles) {
    if (!shuttingDown) supervisor.start(roleSpec(role, childEnv, env.PORT));
  }
  logger.info({ roles, port: env.PORT, smtpPort: env.SMTP_PORT }, 'Sealpost is up');
}

/**
 * An external database that is down when Sealpost starts is waited for, like one that goes away
 * later: retried with a capped backoff, never given up on. A failing migration is still fatal.
 */
async function migrateWhenReachable(url: string): Promise<string[]> {
  for (let failures = 0; ; failures++) {
    try {
      return await migrate(url);
    } catch (err) {
      const code = (err as { code?: string }).code;
      // Refused, unreachable, starting up or shutting down (57P03), or no answer in time.
      const unreachable =
        ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', '57P03'].includes(code ?? '') ||
        /timeout|Connection terminated/i.test((err as Error).message);
      if (!unreachable) throw err;
      const retryInMs = backoffDelay(failures, 500, 30_000);
      logger.error({ err: (err as Error).message, retryInMs }, 'database not reachable; waiting for it');
      await new Promise((resolve) => setTimeout(resolve, retryInMs));
    }
  }
}

let stopDatabaseOnFailure: () => Promise<void> | undefined = () => undefined;

main().catch(async (err) => {
  logger.fatal({ err: err instanceof Error ? err.message : String(err) }, 'start-up failed');
  await stopDatabaseOnFailure();
  process.exit(1);
});
