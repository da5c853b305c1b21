import 'server-only';
import { rm } from 'node:fs/promises';
import { createDb } from '../../db/client';
import { knownMigrations, migrateTo, migrateToLatest } from '../../db/migrate';
import { loadSnapshot, nonEmptyTables, type SnapshotMeta, type TableInfo, takeSnapshot } from '../../db/snapshot';
import { AppError } from '../errors';
import { BackupFormatError, type Frame, createArchive, readArchive } from './archive';

/**
 * `npm run cli -- backup FILE` and `restore FILE`: the database as one consistent logical snapshot
 * (db/snapshot.ts) plus the instance secret, in one file (archive.ts). docs/operations.md says
 * what the file holds and how to schedule and test it.
 */
export interface BackupProgress {
  table: string;
  rows: number;
  /** Bytes of the backup file so far (restore: not known). */
  bytes?: number;
  index: number;
  of: number;
}

interface Header extends SnapshotMeta {
  format: 'sealpost-backup';
  createdAt: string;
}

export async function writeBackup(options: {
  url: string;
  secretKey: string;
  file: string;
  passphrase?: string;
  onProgress?: (p: BackupProgress) => void;
}): Promise<{ tables: number; rows: number; bytes: number }> {
  const archive = await createArchive(options.file, options.passphrase).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EEXIST') throw new AppError('BAD_INPUT', `${options.file} exists already: choose a new file name.`);
    throw err;
  });
  let tables: TableInfo[] = [];
  let index = 0;
  try {
    const totals = await takeSnapshot(options.url, {
      async begin(meta) {
        tables = meta.tables;
        const header: Header = { format: 'sealpost-backup', createdAt: new Date().toISOString(), ...meta };
        await archive.frame('H', header);
        await archive.frame('S', { secretKey: options.secretKey });
      },
      table: (table) => archive.frame('T', table),
      data: (chunk) => archive.frame('D', chunk),
      async tableEnd(table, rows) {
        await archive.frame('E', { rows });
        options.onProgress?.({ table: table.name, rows, bytes: archive.bytes, index: ++index, of: tables.length });
      },
    });
    await archive.frame('Z', totals);
    await archive.close();
    return { ...totals, bytes: archive.bytes };
  } catch (err) {
    await archive.abort(err as Error);
    await rm(options.file, { force: true });
    throw err;
  }
}

const json = <T>(frame: Frame) => JSON.parse(frame.payload.toString('utf8')) as T;

async function expectFrame(frames: AsyncIterator<Frame>, kind: Frame['kind']): Promise<Frame> {
  const next = await frames.next();
  if (next.done || next.value.kind !== kind)
    throw new BackupFormatError(`The backup is damaged: expected section ${kind}, found ${next.done ? 'the end' : next.value.kind}.`);
  return next.value;
}

/**
 * Restores into an empty database: the schema the backup's migrations made, its rows in one
 * transaction, then this code's newer migrations. Returns the instance secret it holds.
 */
export async function restoreBackup(options: {
  url: string;
  file: string;
  passphrase?: string;
  onProgress?: (p: BackupProgress) => void;
}): Promise<{ secretKey: string; tables: number; rows: number; createdAt: string }> {
  const frames = readArchive(options.file, options.passphrase)[Symbol.asyncIterator]();
  try {
    const header = json<Header>(await expectFrame(frames, 'H'));
    if (header.format !== 'sealpost-backup') throw new BackupFormatError('This file is not a Sealpost backup.');
    const { secretKey } = json<{ secretKey: string }>(await expectFrame(frames, 'S'));
    const known = new Set(await knownMigrations());
    const unknown = header.migrations.filter((m) => !known.has(m));
    if (unknown.length)
      throw new AppError('BAD_INPUT', `This backup was made by a newer Sealpost (migration ${unknown[0]}): restore it with that version or later.`);

    const full = await nonEmptyTables(options.url).catch(() => []);
    if (full.length) throw new AppError('BAD_INPUT', `The target database is not empty (table ${full[0]} has rows): restore into an empty database.`);
    const db = createDb(options.url, { max: 1, timeouts: { connectMs: 10_000, statementMs: 0, queryMs: 0, idleInTransactionMs: 0 } });
    try {
      const last = header.migrations.at(-1);
      if (last) await migrateTo(db, last);
      let index = 0;
      let end: { tables: number; rows: number } | undefined;
      const totals = await loadSnapshot(
        options.url,
        {
          async *tables() {
            for (let i = 0; i < header.tables.length; i++) {
              const table = json<TableInfo>(await expectFrame(frames, 'T'));
              let rows = -1;
              async function* chunks() {
                for (;;) {
                  const next = await frames.next();
                  if (next.done) throw new BackupFormatError('The backup is cut short inside a table.');
                  if (next.value.kind === 'D') yield next.value.payload;
                  else if (next.value.kind === 'E') return void (rows = json<{ rows: number }>(next.value).rows);
                  else throw new BackupFormatError(`The backup is damaged: section ${next.value.kind} inside a table.`);
                }
              }
              yield { table, chunks: chunks(), rows: () => rows };
            }
            // Read to the end before the transaction commits: a backup cut short restores nothing.
            end = json<{ tables: number; rows: number }>(await expectFrame(frames, 'Z'));
          },
        },
        (table, rows) => options.onProgress?.({ table: table.name, rows, index: ++index, of: header.tables.length }),
      );
      if (end?.rows !== totals.rows) throw new BackupFormatError(`The backup holds ${end?.rows} rows but ${totals.rows} were read.`);
      await migrateToLatest(db);
      return { secretKey, ...totals, createdAt: header.createdAt };
    } finally {
      await db.destroy();
    }
  } finally {
    await frames.return?.(undefined);
  }
}
