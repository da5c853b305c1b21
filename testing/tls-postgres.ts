import { appendFileSync, chmodSync, chownSync, copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb } from '../db/client';
import { type EmbeddedCluster, startEmbeddedPostgres } from '../db/embedded';
import { migrateToLatest } from '../db/migrate';
import { issueCert, makeCa } from './test-ca';

/**
 * A second PostgreSQL cluster (the embedded binaries) with ssl=on, serving a certificate for
 * 127.0.0.1 signed by a throw-away CA made here with openssl, and a second CA that signed nothing,
 * to show verification fails against the wrong one.
 */
export interface TlsPostgres {
  /** The cluster's URL without TLS parameters. */
  plainUrl: string;
  /** `?sslmode=verify-full&sslrootcert=<ca>`: what an operator sets. */
  url: string;
  caFile: string;
  wrongCaFile: string;
  destroy(): Promise<void>;
}

export async function startTlsPostgres(): Promise<TlsPostgres> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sealpost-tls-pg-'));
  chmodSync(dir, 0o755);
  const ca = makeCa(dir, 'test-ca');
  makeCa(dir, 'wrong-ca');
  issueCert(dir, ca, 'server', ['127.0.0.1', 'localhost']);

  // Made once without TLS, then configured and started again: PostgreSQL reads ssl settings at start.
  let cluster: EmbeddedCluster = await startEmbeddedPostgres({ dataDir: dir, ephemeral: true });
  const db = createDb(cluster.url, { max: 1 });
  await migrateToLatest(db);
  await db.destroy();
  await cluster.stop();
  const clusterDir = path.join(dir, 'postgres');
  const owner = statSync(clusterDir);
  for (const name of ['server.pem', 'server.key']) {
    const target = path.join(clusterDir, name);
    copyFileSync(path.join(dir, name), target);
    chmodSync(target, 0o600);
    // The key must belong to the user PostgreSQL runs as (postgres, when the tests run as root).
    if (process.getuid?.() === 0) chownSync(target, owner.uid, owner.gid);
  }
  appendFileSync(path.join(clusterDir, 'postgresql.conf'), "\nssl = on\nssl_cert_file = 'server.pem'\nssl_key_file = 'server.key'\n");
  cluster = await startEmbeddedPostgres({ dataDir: dir, ephemeral: true });

  const caFile = path.join(dir, 'test-ca.pem');
  return {
    plainUrl: cluster.url,
    url: `${cluster.url}?sslmode=verify-full&sslrootcert=${encodeURIComponent(caFile)}`,
    caFile,
    wrongCaFile: path.join(dir, 'wrong-ca.pem'),
    async destroy() {
      await cluster.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
