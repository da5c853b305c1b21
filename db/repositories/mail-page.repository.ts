import 'server-only';
import { CompiledQuery } from 'kysely';
import { type Db, namedStatement } from '../client';

/**
 * One page of a folder for the mailbox list, newest first, in the form the list answers with: the
 * ciphertexts already base64 and the time already ISO 8601 (UTC, milliseconds, as
 * Date#toISOString writes it), so the web role parses and converts nothing per row. The page's
 * labels come in the same statement.
 *
 * Every signed-in client runs this for every page, so the SQL is fixed text, prepared once per
 * connection (namedStatement), and the keyset condition is a row comparison that the index
 * (user_id, folder, received_at DESC, id DESC) answers directly: an OR of the two conditions would
 * be a filter that reads every newer row of the folder first, 10,000 of them on the last page.
 */
export interface MailPageRow {
  id: string;
  folder: string;
  seen: boolean;
  starred: boolean;
  size: number;
  /** ISO 8601, UTC, milliseconds. */
  received_at: string;
  summary: string;
  origin: string | null;
  label_ids: string[];
}

const columns = `m.id, m.folder, m.seen, m.starred, m.size,
  to_char(m.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS received_at,
  translate(encode(m.summary_ciphertext, 'base64'), E'\\n', '') AS summary,
  translate(encode(m.origin_ciphertext, 'base64'), E'\\n', '') AS origin,
  coalesce((SELECT array_agg(ml.label_id::text) FROM message_labels ml WHERE ml.message_id = m.id), '{}') AS label_ids`;

/**
 * The statement for pages of `limit` rows, one page per element of its arrays: concurrent list
 * calls share one statement (server/mail/mailbox.service.ts), each page its own index scan. The
 * limit is part of the text, not a parameter: with it known, PostgreSQL's plan for any users and
 * cursors is as cheap as one made for the values, so it keeps one plan instead of planning every
 * call again. A first page asks for rows before (infinity, the largest uuid), so one text serves
 * first and later pages alike.
 */
function statementFor(limit: number): string {
  let known = statements.get(limit);
  if (!known) {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new Error(`not a page size: ${limit}`);
    known = namedStatement(
      `mail_pages_${limit}`,
      `SELECT r.ord::int AS page, p.* FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::uuid[]) WITH ORDINALITY AS r(user_id, folder, before_at, before_id, ord)
       CROSS JOIN LATERAL (
         SELECT ${columns} FROM messages m
         WHERE m.user_id = r.user_id AND m.folder = r.folder AND (m.received_at, m.id) < (r.before_at, r.before_id)
         ORDER BY m.received_at DESC, m.id DESC LIMIT ${limit}
       ) p`,
    );
    statements.set(limit, known);
  }
  return known;
}
const statements = new Map<number, string>();

export interface MailPageRequest {
  userId: string;
  folder: string;
  before?: { receivedAt: Date; id: string };
}

const NEWEST = { receivedAt: 'infinity', id: 'ffffffff-ffff-ffff-ffff-ffffffffffff' };

/** Pages of up to `limit` rows, newest first, one per request, in the order of `requests`. */
export async function listMailPages(db: Db, requests: MailPageRequest[], limit: number): Promise<MailPageRow[][]> {
  const text = statementFor(limit);
  const query = CompiledQuery.raw(text, [
    requests.map((r) => r.userId),
    requests.map((r) => r.folder),
    requests.map((r) => r.before?.receivedAt ?? NEWEST.receivedAt),
    requests.map((r) => r.before?.id ?? NEWEST.id),
  ]);
  const pages: MailPageRow[][] = requests.map(() => []);
  for (const { page, ...row } of (await db.executeQuery<MailPageRow & { page: number }>(query)).rows) pages[page - 1]!.push(row);
  // Each page is its own scan in index order; sorting again makes that order a promise, not a plan's habit.
  for (const rows of pages) rows.sort(newestFirst);
  return pages;
}

function newestFirst(a: MailPageRow, b: MailPageRow): number {
  if (a.received_at !== b.received_at) return a.received_at < b.received_at ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}
