import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, openAsBlob, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ByteSink, exportMail } from '@/app/lib/export/export-mail';
import { type ImportState, importMail } from '@/app/lib/import/import-mail';
import { collectMessageIds } from '@/app/lib/import/known-ids';
import { type FilePosition, type PickedFile, fileMessages } from '@/app/lib/import/sources';
import { parseMessage } from '@/app/lib/mail/parse-message';
import { unzipSync } from 'fflate';
import { storeInboundMessages } from '@/db/repositories/inbound.repository';
import { trpcCallers } from '@/testing/api';
import { useTestDb } from '@/testing/db';
import { dumpAllTables } from '@/testing/dump';
import { createTestUser, type TestUser } from '@/testing/factories';
import { unlockedKeyState } from '@/testing/key-state';
import { type TransferMessage, sameAsSent, transferMessage } from '@/testing/transfer-mail';
import { sealMessage } from '../mail/seal';

/**
 * "Your mail" end to end, with the browser's own modules run in Node against the real router and
 * database: 1,000 messages sealed the way the MX seals them are exported from one account to an
 * .mbox (decrypted by that account's key-Worker code), then imported into another account (parsed
 * and encrypted by its key-Worker code), with a "reload" half way. The same Message-IDs, subjects,
 * bodies, attachments and dates arrive, a second import adds nothing, and no table holds plaintext.
 */
const db = useTestDb();
const callers = trpcCallers(db);
const COUNT = 1000;
const canary = `canary${randomBytes(10).toString('hex')}`;
let alice: TestUser;
let bob: TestUser;
let dir: string;

const sent = new Map<string, TransferMessage>();

/** Seeds the mailbox the way the MX stores mail: the real seal step, one insert per 50 messages. */
async function seed(user: TestUser) {
  const authHeader = Buffer.from('Authentication-Results: mx.sealpost.test; spf=none\r\n');
  const auth = { spf: 'none', dkim: 'none', dmarc: 'none', arc: 'none' };
  for (let start = 0; start < COUNT; start += 50) {
    const rows = [];
    for (let i = start; i < Math.min(COUNT, start + 50); i++) {
      const { raw, sent: s } = transferMessage(i, `${user.username}@localhost`, canary);
      sent.set(s.messageId, s);
      const sealed = await sealMessage({ raw, authHeader, auth, envelopeFrom: 'sender@origin.example', publicKeys: [user.publicKeyArmored] });
      if (sealed.status !== 'sealed') throw new Error('seal failed');
      rows.push({
        user_id: user.account.id,
        received_at: s.date,
        size: raw.length,
        raw_ciphertext: sealed.copies[0]!.raw,
        summary_ciphertext: sealed.copies[0]!.summary,
      });
    }
    await storeInboundMessages(db, rows);
  }
}

function fileSink(file: string): ByteSink {
  const stream = createWriteStream(file);
  const write = (chunk: Uint8Array) => new Promise<void>((resolve, reject) => stream.write(chunk, (err) => (err ? reject(err) : resolve())));
  return {
    write,
    close: () => new Promise<void>((resolve) => stream.end(resolve)),
    abort: async () => void stream.destroy(),
  };
}

async function exportTo(user: TestUser, file: string, format: 'mbox' | 'zip') {
  const keys = await unlockedKeyState(db, user);
  const api = callers(user);
  const progress: number[] = [];
  const result = await exportMail(
    { folder: null, format },
    {
      size: (folder) => api.transfer.exportSize({ folder }),
      page: (folder, cursor) => api.transfer.exportPage({ folder, cursor }),
      decrypt: (data) => keys.decrypt({ data }),
    },
    fileSink(file),
    (p) => progress.push(p.done),
  );
  return { result, progress };
}

function importDeps(user: TestUser, keys: Awaited<ReturnType<typeof unlockedKeyState>>, saved: ImportState<FilePosition>[], failAfterBatches = Infinity) {
  const api = callers(user);
  let batches = 0;
  return {
    knownMessageIds: () =>
      collectMessageIds(
        (after) => api.transfer.summaries({ after }),
        async (items) => (await keys.decryptBatch({ items })).results,
      ),
    parse: (raw: Uint8Array) => parseMessage(raw),
    encryptToSelf: async (parts: Uint8Array[]) => (await keys.encryptToSelf({ parts })).parts,
    upload: async (items: Parameters<typeof api.transfer.importBatch>[0]['items']) => {
      // The tab goes away: this batch never reaches the server.
      if (batches++ >= failAfterBatches) throw new Error('tab closed');
      return api.transfer.importBatch({ items });
    },
    savePosition: async (state: ImportState<FilePosition>) => void saved.push(state),
    now: () => new Date(),
  };
}

beforeAll(async () => {
  [alice, bob] = await Promise.all([createTestUser(db), createTestUser(db)]);
  dir = mkdtempSync(path.join(os.tmpdir(), 'sealpost-transfer-'));
  await seed(alice);
}, 180_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('mailbox export and import', () => {
  it('moves 1,000 messages from one account to another through an .mbox, resuming after a reload, with no plaintext at rest', async () => {
    const file = path.join(dir, 'alice.mbox');
    const { result, progress } = await exportTo(alice, file, 'mbox');
    expect(result).toEqual({ done: COUNT, total: COUNT, failed: 0 });
    expect(progress.length).toBeGreaterThan(COUNT / 50); // progress after every page, not only at the end

    const blob = await openAsBlob(file);
    const picked: PickedFile[] = [{ name: 'alice.mbox', size: blob.size, slice: (start) => blob.slice(start), arrayBuffer: () => blob.arrayBuffer() }];
    const bobKeys = await unlockedKeyState(db, bob);
    const saved: ImportState<FilePosition>[] = [];
    const start: ImportState<FilePosition> = { position: { file: 0, offset: 0 }, imported: 0, skipped: 0 };

    // First attempt: 16 batches stored, then the tab closes mid-way.
    await expect(importMail(fileMessages(picked, start.position, 30 * 1024 * 1024), importDeps(bob, bobKeys, saved, 16), start)).rejects.toThrow('tab closed');
    const resumeFrom = saved.at(-1)!;
    expect(resumeFrom.imported).toBe(16 * 25);
    expect(resumeFrom.position.offset).toBeGreaterThan(0);
    expect(resumeFrom.position.offset).toBeLessThan(blob.size);

    // After the "reload": a fresh key state, reading from the saved byte offset.
    const resumed = await importMail(
      fileMessages(picked, resumeFrom.position, 30 * 1024 * 1024),
      importDeps(bob, await unlockedKeyState(db, bob), saved),
      resumeFrom,
    );
    expect(resumed.imported).toBe(COUNT);
    expect(resumed.skipped).toBe(0);

    // Every message arrived once, as sent.
    const rows = await db.selectFrom('messages').select(['raw_ciphertext', 'received_at', 'folder']).where('user_id', '=', bob.account.id).execute();
    expect(rows).toHaveLength(COUNT);
    const seen = new Set<string>();
    for (const row of rows) {
      const opened = await bobKeys.decrypt({ data: row.raw_ciphertext });
      if (opened.status !== 'ok') throw new Error('an imported message does not decrypt with its owner key');
      const parsed = await parseMessage(opened.data);
      if (parsed.status !== 'ok') throw new Error('an imported message does not parse');
      const m = parsed.message;
      const original = sent.get(m.messageId ?? '');
      expect(original, m.messageId ?? 'no Message-ID').toBeDefined();
      seen.add(m.messageId!);
      expect(sameAsSent(m, original!), `${m.messageId} arrived changed`).toBe(true);
      expect(row.received_at.getTime()).toBe(original!.date.getTime()); // the original date, not the import's
    }
    expect(seen.size).toBe(COUNT);

    // The list reads the imported summaries like any other.
    const list = await callers(bob).mail.list({ folder: 'inbox' });
    const summaries = await bobKeys.decryptBatch({ items: list.items.map((item) => Buffer.from(item.summary, 'base64')) });
    const first = JSON.parse(Buffer.from((summaries.results[0] as { data: Uint8Array }).data).toString('utf8'));
    expect(first).toMatchObject({
      v: 1,
      subject: expect.stringContaining(canary),
      attachments: [expect.objectContaining({ filename: expect.stringContaining(canary) })],
      parsed: true,
    });

    // Importing the same file again: every message is a duplicate by Message-ID.
    const again = await importMail(fileMessages(picked, start.position, 30 * 1024 * 1024), importDeps(bob, bobKeys, []), start);
    expect(again).toMatchObject({ imported: 0, skipped: COUNT });
    expect(
      Number(
        (
          await db
            .selectFrom('messages')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('user_id', '=', bob.account.id)
            .executeTakeFirstOrThrow()
        ).n,
      ),
    ).toBe(COUNT);

    // The canary: the export file has it (control), no table does.
    expect(readFileSync(file).includes(Buffer.from(canary))).toBe(true);
    const dump = await dumpAllTables(inject('databaseUrl'));
    expect(dump.text).toContain(bob.username);
    expect(dump.text).not.toContain(canary);
    expect(dump.text).not.toContain(Buffer.from(canary).toString('hex'));
  }, 300_000);

  it('exports a .zip of .eml files that hold the very messages', async () => {
    const file = path.join(dir, 'alice.zip');
    const { result } = await exportTo(alice, file, 'zip');
    expect(result.done).toBe(COUNT);
    const entries = unzipSync(readFileSync(file));
    const names = Object.keys(entries);
    expect(names).toHaveLength(COUNT);
    expect(names.every((name) => /^inbox\/[0-9T-]+Z-[0-9a-f]{8}\.eml$/.test(name))).toBe(true);
    const parsed = await parseMessage(entries[names[0]!]!);
    expect(parsed.status === 'ok' && sent.get(parsed.message.messageId ?? '')?.subject).toBe(parsed.status === 'ok' ? parsed.message.subject : 'x');
  }, 300_000);
});
