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
 * The statement for pages of `limit` rows. The limit is part of the text, not a parameter: with it
 * known, PostgreSQL's plan for any user and cursor is as cheap as one made for the values, so after
 * a few calls it keeps one plan instead of planning every call again.
 */
function statementsFor(limit: number): { first: string; next: string } {
  let known = statements.get(limit);
  if (!known) {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new Error(`not a page size: ${limit}`);
    known = {
      first: namedStatement(
        `mail_page_first_${limit}`,
        `SELECT ${columns} FROM messages m
         WHERE m.user_id = $1 AND m.folder = $2
         ORDER BY m.received_at DESC, m.id DESC LIMIT ${limit}`,
      ),
      next: namedStatement(
        `mail_page_next_${limit}`,
        `SELECT ${columns} FROM messages m
         WHERE m.user_id = $1 AND m.folder = $2 AND (m.received_at, m.id) < ($3::timestamptz, $4::uuid)
         ORDER BY m.received_at DESC, m.id DESC LIMIT ${limit}`,
      ),
    };
    statements.set(limit, known);
  }
  return known;
}
const statements = new Map<number, { first: string; next: string }>();

export async function listMailPage(
  db: Db,
  userId: string,
  opts: { folder: string; limit: number; before?: { receivedAt: Date; id: string } },
): Promise<MailPageRow[]> {
  const { before } = opts;
  const { first, next } = statementsFor(opts.limit);
  const query = before ? CompiledQuery.raw(next, [userId, opts.folder, before.receivedAt, before.id]) : CompiledQuery.raw(first, [userId, opts.folder]);
  return (await db.executeQuery<MailPageRow>(query)).rows;
}
