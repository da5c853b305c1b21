import 'server-only';
import { once } from 'node:events';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';

/**
 * A logical snapshot of the application's tables, for `npm run cli -- backup` (docs/operations.md).
 *
 * Why not pg_dump: the embedded PostgreSQL ships none, and a client's pg_dump refuses a newer server
 * (Debian's 15 can't dump 18). COPY is in every PostgreSQL and speaks one protocol to all of them.
 *
 * Consistency: every table is copied inside one REPEATABLE READ READ ONLY transaction, so all of them
 * come from one snapshot, taken when the transaction's first statement runs: a message committed
 * (and answered 250) before that is in the backup with every row it needs; one committed after is in
 * none of its tables. Writers are never blocked: a snapshot takes no locks beyond ACCESS SHARE.
 *
 * What is copied: every table in the public schema but Kysely's migration bookkeeping, in foreign-key
 * order, so a restore can load them in that order into a schema made by the same migrations.
 * pg-boss's schema is left out: its jobs are rebuilt from the tables (the outbound and scheduled-send
 * sweeps re-queue what has no job, and the daily recheck re-queues domain checks).
 */
export interface TableInfo {
  name: string;
  columns: string[];
}

export interface SnapshotMeta {
  migrations: string[];
  tables: TableInfo[];
}

export interface SnapshotSink {
  /** Called once, before any table. */
  begin(meta: SnapshotMeta): Promise<void>;
  table(table: TableInfo): Promise<void>;
  /** One chunk of the table's COPY text. */
  data(chunk: Buffer): Promise<void>;
  tableEnd(table: TableInfo, rows: number): Promise<void>;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000, keepAlive: true });
  await client.connect();
  // A backup or a restore may run for as long as the data takes.
  await client.query('SET statement_timeout = 0; SET idle_in_transaction_session_timeout = 0');
  return client;
}

/** Tables of the public schema in an order where each comes after the tables it references. */
async function tablesInDependencyOrder(client: pg.Client): Promise<TableInfo[]> {
  const tables = await client.query<{ name: string; columns: string[] }>(`
    SELECT c.relname AS name,
           array_agg(a.attname::text ORDER BY a.attnum) AS columns
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
    WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname NOT LIKE 'kysely_migration%'
    GROUP BY c.relname
    ORDER BY c.relname`);
  const edges = await client.query<{ child: string; parent: string }>(`
    SELECT child.relname AS child, parent.relname AS parent
    FROM pg_constraint k
    JOIN pg_class child ON child.oid = k.conrelid
    JOIN pg_class parent ON parent.oid = k.confrelid
    JOIN pg_namespace n ON n.oid = k.connamespace AND n.nspname = 'public'
    WHERE k.contype = 'f' AND k.conrelid <> k.confrelid`);
  const parents = new Map<string, Set<string>>(tables.rows.map((t) => [t.name, new Set()]));
  for (const { child, parent } of edges.rows) parents.get(child)?.add(parent);
  const ordered: TableInfo[] = [];
  const placed = new Set<string>();
  while (ordered.length < tables.rows.length) {
    const ready = tables.rows.filter((t) => !placed.has(t.name) && [...parents.get(t.name)!].every((p) => placed.has(p) || !parents.has(p)));
    if (!ready.length) throw new Error('the tables reference each other in a cycle; this backup method cannot order them');
    for (const t of ready) {
      placed.add(t.name);
      ordered.push({ name: t.name, columns: t.columns });
    }
  }
  return ordered;
}

async function appliedMigrations(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>('SELECT name FROM kysely_migration ORDER BY name');
  return rows.map((r) => r.name);
}

/** Copies every table from one snapshot into `sink`. */
export async function takeSnapshot(url: string, sink: SnapshotSink): Promise<{ tables: number; rows: number }> {
  const client = await connect(url);
  let rows = 0;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    // The snapshot is taken here, at the first statement: everything below reads as of this moment.
    const migrations = await appliedMigrations(client);
    const tables = await tablesInDependencyOrder(client);
    await sink.begin({ migrations, tables });
    for (const table of tables) {
      await sink.table(table);
      const stream = client.query(copyTo(`COPY ${quote(table.name)} (${table.columns.map(quote).join(', ')}) TO STDOUT`));
      for await (const chunk of stream) await sink.data(chunk as Buffer);
      const count = stream.rowCount ?? 0;
      rows += count;
      await sink.tableEnd(table, count);
    }
    await client.query('COMMIT');
    return { tables: tables.length, rows };
  } finally {
    await client.end();
  }
}

export interface SnapshotSource {
  /** The next table's start, its data chunks, and its row count, in the order they were taken. */
  tables(): AsyncIterable<{ table: TableInfo; chunks: AsyncIterable<Buffer>; rows: () => number }>;
}

/** The public tables that hold any row: a restore goes only into an empty database. */
export async function nonEmptyTables(url: string): Promise<string[]> {
  const client = await connect(url);
  try {
    const { rows } = await client.query<{ name: string }>(`
      SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
      WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname NOT LIKE 'kysely_migration%'`);
    const full: string[] = [];
    for (const { name } of rows) {
      const { rowCount } = await client.query(`SELECT 1 FROM ${quote(name)} LIMIT 1`);
      if (rowCount) full.push(name);
    }
    return full;
  } finally {
    await client.end();
  }
}

/**
 * Loads a snapshot into a database whose schema the same migrations made, in one transaction: a
 * restore that fails half-way leaves the database as empty as it was.
 */
export async function loadSnapshot(
  url: string,
  source: SnapshotSource,
  onTable?: (table: TableInfo, rows: number) => void,
): Promise<{ tables: number; rows: number }> {
  const client = await connect(url);
  let tables = 0;
  let rows = 0;
  try {
    await client.query('BEGIN');
    for await (const { table, chunks, rows: expected } of source.tables()) {
      const stream = client.query(copyFrom(`COPY ${quote(table.name)} (${table.columns.map(quote).join(', ')}) FROM STDIN`));
      const done = new Promise<void>((resolve, reject) => {
        stream.on('finish', resolve);
        stream.on('error', reject);
      });
      for await (const chunk of chunks) {
        if (!stream.write(chunk)) await Promise.race([once(stream, 'drain'), done]);
      }
      stream.end();
      await done;
      if (stream.rowCount !== expected()) throw new Error(`table ${table.name}: ${stream.rowCount} rows loaded, the backup says ${expected()}`);
      tables++;
      rows += stream.rowCount;
      onTable?.(table, stream.rowCount);
    }
    // Sequences behind serial and identity columns continue after the restored rows.
    await client.query(`
      DO $$
      DECLARE r record;
      BEGIN
        FOR r IN
          SELECT c.relname AS tbl, a.attname AS col, pg_get_serial_sequence(quote_ident(c.relname), a.attname) AS seq
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
          JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
          WHERE c.relkind IN ('r', 'p') AND pg_get_serial_sequence(quote_ident(c.relname), a.attname) IS NOT NULL
        LOOP
          EXECUTE format('SELECT setval(%L, COALESCE((SELECT max(%I) FROM %I), 0) + 1, false)', r.seq, r.col, r.tbl);
        END LOOP;
      END $$`);
    await client.query('COMMIT');
    return { tables, rows };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
}
