/**
 * `npm run bench:mail-transfer`: export and import of a 10,000-message mailbox (N=… to change),
 * through the same modules the browser runs (app/lib/export, app/lib/import, the key Worker's
 * state) against the real router on a throw-away embedded database. Prints messages per second
 * and the peak JavaScript heap of each phase next to the size of the file, which is what
 * "bounded memory" means here: the heap stays at about one page of messages however large the
 * mailbox grows. (In the browser the decrypting happens in the key Worker, so the page's own heap
 * is smaller still.)
 */
import { createWriteStream, mkdtempSync, openAsBlob, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportMail } from '../app/lib/export/export-mail';
import { type ImportState, importMail } from '../app/lib/import/import-mail';
import { collectMessageIds } from '../app/lib/import/known-ids';
import { type FilePosition, fileMessages } from '../app/lib/import/sources';
import { createKeyState } from '../app/lib/keys/key-state';
import { parseMessage } from '../app/lib/mail/parse-message';
import { prepareRegistration, toBase64 } from '../crypto';
import { createDb, timeoutsFor } from '../db/client';
import { storeInboundMessages } from '../db/repositories/inbound.repository';
import { appRouter } from '../server/api/root';
import { register } from '../server/auth/account.service';
import { systemClock } from '../server/clock';
import { env } from '../server/env';
import { sealMessage } from '../server/mail/seal';
import { settingsFrom } from '../server/settings';
import { startOwnCluster } from '../testing/own-cluster';
import { transferMessage } from '../testing/transfer-mail';

const N = Number(process.env.N ?? 10_000);
const MB = 1024 * 1024;

function heapSampler() {
  let peak = process.memoryUsage().heapUsed;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 50);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().heapUsed);
    },
  };
}

async function main() {
  process.env.SECRET_KEY ??= 'bench-secret-key-bench-secret-key-0123456789';
  process.env.MAIL_DOMAIN ??= 'localhost';
  process.env.REGISTRATION ??= 'open';
  process.env.LOG_LEVEL ??= 'silent';
  const cluster = await startOwnCluster();
  process.env.DATABASE_URL = cluster.url;
  // A bench shares the machine with whatever else runs: generous time-outs, so a busy moment isn't an error.
  const db = createDb(cluster.url, { max: 5, timeouts: timeoutsFor(30_000, 120_000) });
  const settings = settingsFrom(env());
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sealpost-bench-transfer-'));
  try {
    const users = await Promise.all(
      ['from', 'to'].map(async (name) => {
        const username = `bench${name}${Date.now().toString(36)}`;
        const password = 'bench-Password-2026!';
        const prepared = await prepareRegistration({ username, email: `${username}@localhost`, password });
        const account = await register(db, prepared.payload, { settings, viaCli: true });
        const row = await db.selectFrom('users').selectAll().where('id', '=', account.id).executeTakeFirstOrThrow();
        const keys = createKeyState();
        await keys.deriveLogin({ username, password, kdf: { salt: toBase64(row.kdf_salt), opslimit: row.kdf_opslimit, memlimit: row.kdf_memlimit } });
        if ((await keys.unlock({ wrappedKey: toBase64(row.wrapped_key) })).status !== 'ok') throw new Error('unlock failed');
        const api = appRouter.createCaller({
          db,
          clock: systemClock,
          settings,
          session: { sessionId: crypto.randomUUID(), account, clientKey: new Uint8Array(32) },
          sid: null,
          ip: null,
          userAgent: null,
        });
        return { account, keys, api, publicKey: prepared.payload.publicKey };
      }),
    );
    const [from, to] = users as [(typeof users)[0], (typeof users)[0]];

    let t = performance.now();
    const authHeader = Buffer.from('Authentication-Results: mx.sealpost.test; spf=none\r\n');
    const auth = { spf: 'none', dkim: 'none', dmarc: 'none', arc: 'none' };
    for (let start = 0; start < N; start += 100) {
      const rows = [];
      for (let i = start; i < Math.min(N, start + 100); i++) {
        const { raw, sent } = transferMessage(i, from.account.address, 'bench');
        const sealed = await sealMessage({ raw, authHeader, auth, envelopeFrom: 'sender@origin.example', publicKeys: [from.publicKey] });
        if (sealed.status !== 'sealed') throw new Error('seal failed');
        rows.push({
          user_id: from.account.id,
          received_at: sent.date,
          size: raw.length,
          raw_ciphertext: sealed.copies[0]!.raw,
          summary_ciphertext: sealed.copies[0]!.summary,
        });
      }
      await storeInboundMessages(db, rows);
    }
    console.log(`seed: ${N} messages in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    const file = path.join(dir, 'export.mbox');
    const stream = createWriteStream(file);
    const heapBefore = process.memoryUsage().heapUsed;
    let sampler = heapSampler();
    t = performance.now();
    const exported = await exportMail(
      { folder: null, format: 'mbox' },
      {
        size: (folder) => from.api.transfer.exportSize({ folder }),
        page: (folder, cursor) => from.api.transfer.exportPage({ folder, cursor }),
        decrypt: (data) => from.keys.decrypt({ data }),
      },
      {
        write: (chunk) => new Promise<void>((resolve, reject) => stream.write(chunk, (err) => (err ? reject(err) : resolve()))),
        close: () => new Promise<void>((resolve) => stream.end(resolve)),
        abort: async () => void stream.destroy(),
      },
    );
    const exportSeconds = (performance.now() - t) / 1000;
    const exportPeak = sampler.stop();
    const size = statSync(file).size;
    console.log(
      `export: ${exported.done} messages, ${(size / MB).toFixed(1)} MB mbox in ${exportSeconds.toFixed(1)} s (${Math.round(exported.done / exportSeconds)} msg/s); ` +
        `peak heap ${(exportPeak / MB).toFixed(0)} MB (${((exportPeak - heapBefore) / MB).toFixed(0)} MB over the start)`,
    );

    const blob = await openAsBlob(file);
    const picked = [{ name: 'export.mbox', size: blob.size, slice: (s?: number) => blob.slice(s), arrayBuffer: () => blob.arrayBuffer() }];
    const start: ImportState<FilePosition> = { position: { file: 0, offset: 0 }, imported: 0, skipped: 0 };
    sampler = heapSampler();
    t = performance.now();
    const imported = await importMail(
      fileMessages(picked, start.position, settings.maxMessageBytes),
      {
        knownMessageIds: () =>
          collectMessageIds(
            (after) => to.api.transfer.summaries({ after }),
            async (items) => (await to.keys.decryptBatch({ items })).results,
          ),
        parse: (raw) => parseMessage(raw),
        encryptToSelf: async (parts) => (await to.keys.encryptToSelf({ parts })).parts,
        upload: (items) => to.api.transfer.importBatch({ items }),
        savePosition: async () => undefined,
        now: () => new Date(),
      },
      start,
    );
    const importSeconds = (performance.now() - t) / 1000;
    const importPeak = sampler.stop();
    console.log(
      `import: ${imported.imported} messages in ${importSeconds.toFixed(1)} s (${Math.round(imported.imported / importSeconds)} msg/s); peak heap ${(importPeak / MB).toFixed(0)} MB`,
    );

    t = performance.now();
    const again = await collectMessageIds(
      (after) => to.api.transfer.summaries({ after }),
      async (items) => (await to.keys.decryptBatch({ items })).results,
    );
    console.log(`duplicate check: ${again.size} Message-IDs read from summaries in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  } finally {
    await db.destroy();
    await cluster.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
