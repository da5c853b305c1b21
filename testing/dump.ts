import pg from 'pg';

/**
 * Every row of every table in the database as text, to prove a secret is nowhere at rest. bytea
 * columns come out as \x-hex in a row's text form. A CHECKPOINT first, for tests that also read
 * the cluster's files.
 */
export async function dumpAllTables(connectionString: string): Promise<{ tables: string[]; text: string }> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query('CHECKPOINT').catch(() => undefined);
    const { rows: tables } = await client.query<{ schema: string; name: string }>(
      `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
       WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
    );
    const parts: string[] = [];
    for (const table of tables) {
      const { rows } = await client.query<{ row: string }>(
        `SELECT t::text AS row FROM ${client.escapeIdentifier(table.schema)}.${client.escapeIdentifier(table.name)} AS t`,
      );
      parts.push(...rows.map((r) => r.row));
    }
    return { tables: tables.map((t) => t.name), text: parts.join('\n') };
  } finally {
    await client.end();
  }
}
