import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { createDb } from '../db/client';
import { startEmbeddedPostgres } from '../db/embedded';
import { migrateToLatest } from '../db/migrate';
import { restoreBackup, writeBackup } from '../server/backup/backup';
import { createTestUser } from '../testing/factories';

/**
 * Backup and restore throughput (docs/operations.md): a throw-away embedded cluster filled with
 * `--messages` stored messages of `--bytes` ciphertext each (random bytes: what encrypted mail looks
 * like to gzip), backed up with and without a passphrase, and restored into a second cluster.
 *
 *   npm run bench:backup -- --messages 20000 --bytes 20480
 */
const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: process.env.BENCH_MESSAGES ?? '20000' },
    bytes: { type: 'string', default: process.env.BENCH_BYTES ?? '20480' },
  },
});
const messages = Number(values.messages);
const bytes = Number(values.bytes);

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sealpost-bench-backup-'));
  chmodSync(dir, 0o755);
  const source = await startEmbeddedPostgres({ dataDir: path.join(dir, 'source'), ephemeral: true });
  const target = await startEmbeddedPostgres({ dataDir: path.join(dir, 'target'), ephemeral: true });
  try {
    const db = createDb(source.url, { max: 4 });
    await migrateToLatest(db);
    const user = await createTestUser(db);
    for (let done = 0; done < messages; done += 500) {
      const batch = Array.from({ length: Math.min(500, messages - done) }, () => ({
        user_id: user.account.id,
        size: bytes,
        raw_ciphertext: randomBytes(bytes),
        summary_ciphertext: randomBytes(400),
      }));
      await db.insertInto('messages').values(batch).execute();
    }
    const { rows } = await sql<{ size: string }>`SELECT pg_database_size(current_database()) AS size`.execute(db);
    await db.destroy();
    const dbMb = Number(rows[0]!.size) / 1024 / 1024;
    console.log(`database: ${messages} messages of ${bytes} bytes, ${dbMb.toFixed(0)} MB on disk`);

    for (const passphrase of [undefined, 'bench passphrase 0123']) {
      const file = path.join(dir, passphrase ? 'encrypted.backup' : 'plain.backup');
      let started = performance.now();
      const written = await writeBackup({ url: source.url, secretKey: 'x'.repeat(43), file, passphrase });
      const backupS = (performance.now() - started) / 1000;
      const fileMb = statSync(file).size / 1024 / 1024;
      console.log(
        `backup ${passphrase ? 'encrypted' : 'plain    '}: ${backupS.toFixed(1)} s, ${(dbMb / backupS).toFixed(0)} MB/s of database, ${(written.rows / backupS).toFixed(0)} rows/s, file ${fileMb.toFixed(0)} MB`,
      );
      if (passphrase) {
        started = performance.now();
        const restored = await restoreBackup({ url: target.url, file, passphrase });
        const restoreS = (performance.now() - started) / 1000;
        console.log(
          `restore encrypted: ${restoreS.toFixed(1)} s, ${(dbMb / restoreS).toFixed(0)} MB/s of database, ${(restored.rows / restoreS).toFixed(0)} rows/s`,
        );
      }
    }
  } finally {
    await source.stop();
    await target.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
