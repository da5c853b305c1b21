import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { createDb } from '../db/client';
import { type EmbeddedCluster, startEmbeddedPostgres } from '../db/embedded';
import { migrateToLatest } from '../db/migrate';

/**
 * One throw-away embedded PostgreSQL for the whole run, under the system temp folder (the postgres
 * user must be able to reach it when tests run as root). Tests share it and create unique users.
 */
let cluster: EmbeddedCluster | undefined;
let dataDir: string | undefined;

export async function setup(project: TestProject) {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'sealpost-test-'));
  chmodSync(dataDir, 0o755); // mkdtemp makes 0700, which the postgres user can't traverse
  const logs: string[] = [];
  cluster = await startEmbeddedPostgres({ dataDir, ephemeral: true, onLog: (l) => logs.push(l) });
  const db = createDb(cluster.url);
  await migrateToLatest(db);
  await db.destroy();
  project.provide('databaseUrl', cluster.url);
  project.provide('testDataDir', dataDir);
}

export async function teardown() {
  await cluster?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    testDataDir: string;
  }
}
