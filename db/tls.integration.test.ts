import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser } from '../testing/factories';
import { type LoopbackDns, startLoopbackDns } from '../testing/loopback-dns';
import { listeningPort, spawnRole } from '../testing/roles';
import { type TlsPostgres, startTlsPostgres } from '../testing/tls-postgres';
import { createDb } from './client';

/**
 * DATABASE_URL with sslmode=verify-full and a CA file, against a PostgreSQL with ssl=on: the
 * connection is encrypted, the server's certificate is checked against that CA, and the roles run.
 */
let pg: TlsPostgres;
let dns: LoopbackDns;
let dataDir: string;

beforeAll(async () => {
  pg = await startTlsPostgres();
  dns = await startLoopbackDns();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'sealpost-tls-data-'));
});
afterAll(async () => {
  await dns?.close();
  await pg?.destroy();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('PostgreSQL over TLS', () => {
  it('connects with verify-full and the CA file, over an encrypted connection', async () => {
    const db = createDb(pg.url, { max: 1 });
    try {
      const { rows } = await sql<{ ssl: boolean; version: string }>`SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()`.execute(db);
      expect(rows[0]).toMatchObject({ ssl: true, version: expect.stringMatching(/^TLSv1\.[23]$/) });
    } finally {
      await db.destroy();
    }
  });

  it('refuses a server whose certificate the given CA did not sign', async () => {
    const db = createDb(pg.url.replace(encodeURIComponent(pg.caFile), encodeURIComponent(pg.wrongCaFile)), { max: 1 });
    try {
      await expect(sql`SELECT 1`.execute(db)).rejects.toThrow(/self-signed certificate|unable to verify|certificate/i);
    } finally {
      await db.destroy();
    }
  });

  it('runs the smtp and worker roles against it: mail is stored over TLS', async () => {
    const db = createDb(pg.url, { max: 2 });
    const user = await createTestUser(db);
    const smtp = spawnRole('smtp', {
      DATABASE_URL: pg.url,
      DATA_DIR: dataDir,
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: '0',
      DNS_SERVERS: dns.address,
      MAIL_DOMAIN: 'localhost',
    });
    const worker = spawnRole('worker', { DATABASE_URL: pg.url, DATA_DIR: dataDir, DNS_SERVERS: dns.address });
    try {
      const port = listeningPort(await smtp.waitFor('"smtp listening"'));
      const info = await nodemailer
        .createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true })
        .sendMail({ from: 'tls@example.org', to: `${user.username}@localhost`, subject: 'over tls', text: 'hi' });
      expect(info.response).toMatch(/^250 /);
      const stored = await db.selectFrom('messages').select('id').where('user_id', '=', user.account.id).execute();
      expect(stored).toHaveLength(1);
      await worker.waitFor('"worker ready"');
      // Every client backend of this cluster (the roles' pools, pg-boss, the presence session) uses TLS.
      const { rows } = await sql<{ plain: string }>`
        SELECT count(*) AS plain FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid)
        WHERE a.backend_type = 'client backend' AND NOT s.ssl`.execute(db);
      expect(Number(rows[0]!.plain)).toBe(0);
    } finally {
      await smtp.stop();
      await worker.stop();
      await db.destroy();
    }
  });
});
