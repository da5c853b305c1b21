/**
 * `npm run bench:conversations`: the conversation list (server side) at 100,000 messages in a folder
 * against 1,000, and the plans PostgreSQL picks for it. Starts its own embedded PostgreSQL in a temp
 * folder; messages carry random bytes where ciphertext would be (the list never decrypts).
 */
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { sql } from 'kysely';
import { createDb } from '../db/client';
import { conversationHeadsQuery } from '../db/repositories/conversation.repository';
import { listConversations } from '../server/conversations/conversation.service';
import { startOwnCluster } from '../testing/own-cluster';

const RUNS = Number(process.env.RUNS ?? 40);
const PER_CONVERSATION = 3;

async function main() {
  const cluster = await startOwnCluster();
  const db = createDb(cluster.url, { max: 2 });
  try {
    const users: Record<number, string> = {};
    for (const size of [1_000, 100_000]) {
      const id = randomUUID();
      users[size] = id;
      await sql`INSERT INTO users (id, username, kdf_salt, kdf_opslimit, kdf_memlimit, auth_hash, public_key, wrapped_key, recovery_salt, recovery_auth_hash, recovery_wrapped_key)
        VALUES (${id}, ${`bench${size}`}, '\\x00', 3, 65536, 'x', 'x', '\\x00', '\\x00', 'x', '\\x00')`.execute(db);
      // Threads of three, one in four messages unread, a few unplaced; a minute apart, newest last.
      await sql`INSERT INTO messages (user_id, folder, seen, received_at, size, raw_ciphertext, summary_ciphertext, conversation_key)
        SELECT ${id}, 'inbox', i % 4 <> 0, timestamptz '2026-01-01' + i * interval '1 minute', 20000, '\\x00', decode(repeat(md5(i::text), 19), 'hex'),
          CASE WHEN i % 97 = 0 THEN NULL ELSE substr(md5(${id} || (i / ${PER_CONVERSATION})::text) || md5((i / ${PER_CONVERSATION})::text), 1, 43) END
        FROM generate_series(1, ${size}) AS i`.execute(db);
    }
    await sql`VACUUM ANALYZE messages`.execute(db);

    const timings: Record<number, number[]> = { 1_000: [], 100_000: [] };
    for (let run = 0; run < RUNS; run++) {
      for (const size of [1_000, 100_000]) {
        const t = performance.now();
        const first = await listConversations(db, users[size]!, 'inbox');
        await listConversations(db, users[size]!, 'inbox', first.nextCursor);
        timings[size]!.push(performance.now() - t);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const small = median(timings[1_000]!);
    const large = median(timings[100_000]!);
    console.log(
      `load average (1/5/15 min): ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    console.log(
      `conversation list, first two pages, median of ${RUNS}: 1,000 msgs ${small.toFixed(2)} ms · 100,000 msgs ${large.toFixed(2)} ms · ratio ${(large / small).toFixed(2)}`,
    );

    const compiled = conversationHeadsQuery(db, users[100_000]!, { folder: 'inbox', limit: 51 }).compile();
    const plan = await sql<{
      'QUERY PLAN': string;
    }>`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ${sql.raw(inline(compiled.sql, compiled.parameters))}`.execute(db);
    console.log('\nplan of the conversation heads query at 100,000 messages:');
    for (const row of plan.rows) console.log(`  ${row['QUERY PLAN']}`);
    const first = await listConversations(db, users[100_000]!, 'inbox');
    const keys = first.items.flatMap((c) => (c.key ? [c.key] : []));
    const members = await sql<{ 'QUERY PLAN': string }>`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
      SELECT conversation_key, count(*) FROM messages WHERE user_id = ${users[100_000]} AND conversation_key = ANY(${keys}::text[]) AND folder NOT IN ('trash', 'drafts') GROUP BY conversation_key`.execute(
      db,
    );
    console.log('\nplan of the members lookup for one page:');
    for (const row of members.rows) console.log(`  ${clipLine(row['QUERY PLAN'])}`);
  } finally {
    await db.destroy();
    await cluster.destroy();
  }
}

/** The statement with its parameters written in, for EXPLAIN (values are this bench's own). */
function inline(text: string, parameters: readonly unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const value = parameters[Number(n) - 1];
    return typeof value === 'number' ? String(value) : `'${String(value).replace(/'/g, "''")}'`;
  });
}

await main();

function clipLine(line: string): string {
  return line.length > 220 ? `${line.slice(0, 217)}...` : line;
}
