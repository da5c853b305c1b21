import 'server-only';
import { sql } from 'kysely';
import type { Db } from '../client';

// Db is Kysely<Database>; a Transaction<Database> is one too, so every function here runs in either.
type Executor = Db;

// These run for every RCPT and every inbound message. Written as `sql` templates rather than with
// the query builder: building and compiling a query costs more CPU than PostgreSQL spends on it,
// and at hundreds of messages a second that shows (see bench/smtp.ts).

/** The mailbox that a local part names on the instance's own domain. */
export async function findUserIdByUsername(db: Executor, username: string): Promise<string | undefined> {
  const { rows } = await sql<{ id: string }>`SELECT id FROM users WHERE username = ${username}`.execute(db);
  return rows[0]?.id;
}

/** Only the public keys: the SMTP sidecar never needs any other account material. */
export async function findPublicKeys(db: Executor, userIds: string[]): Promise<{ id: string; public_key: string }[]> {
  if (userIds.length === 0) return [];
  const { rows } = await sql<{ id: string; public_key: string }>`
    SELECT id, public_key FROM users WHERE id = ANY(${userIds}::uuid[])`.execute(db);
  return rows;
}

/**
 * What the MX needs of a mailbox, read once at RCPT: whether it takes mail (disabled, quota), its
 * public key and its filter rules (oldest first). The key is read per transaction, never cached
 * between them, so a new key counts from the next RCPT. With `withUsage`, also the bytes the mailbox
 * holds: a sum over all its messages, so the MX asks for it only when its own remembered figure can't
 * answer (server/mail/mailbox-usage.service.ts).
 *
 * Also PostgreSQL's own clock (clock_timestamp(), the real time, not the transaction's start) when it
 * answered: the deadline of the later INSERT is measured from it, so the database itself can refuse a
 * statement that arrives after the sender was told 451. One round trip for all of it.
 */
export interface InboundMailbox {
  id: string;
  username: string;
  public_key: string | null;
  filters: InboundFilterRule[];
  disabled: boolean;
  /** The user's own quota, or the default; 0 = none. */
  quotaBytes: number;
  usedBytes: number | null;
}

export async function findInboundMailboxes(
  db: Executor,
  by: { usernames: string[] } | { ids: string[] },
  defaultQuotaBytes: number,
  withUsage: boolean,
): Promise<{ mailboxes: InboundMailbox[]; dbNow: Date }> {
  const match = 'usernames' in by ? sql`u.username = ANY(${by.usernames}::text[])` : sql`u.id = ANY(${by.ids}::uuid[])`;
  const { rows } = await sql<{
    id: string | null;
    username: string | null;
    public_key: string | null;
    db_now: Date;
    filters: InboundFilterRule[] | null;
    disabled: boolean;
    quota_bytes: string;
    used_bytes: string | null;
  }>`
    SELECT u.id, u.username, u.public_key, now.db_now, u.disabled_at IS NOT NULL AS disabled,
      coalesce(u.quota_bytes, ${defaultQuotaBytes}::bigint) AS quota_bytes,
      CASE WHEN ${withUsage}::boolean THEN (SELECT coalesce(sum(size), 0) FROM messages WHERE user_id = u.id) END AS used_bytes,
      (SELECT jsonb_agg(jsonb_build_object('field', f.field, 'contains', f.contains, 'action', f.action, 'folder', f.folder, 'label', f.label_id) ORDER BY f.created_at, f.id)
         FROM mail_filters f WHERE f.user_id = u.id) AS filters
    FROM (SELECT clock_timestamp() AS db_now) now
    LEFT JOIN users u ON ${match}`.execute(db);
  const mailboxes = rows.flatMap((row) =>
    row.id
      ? [
          {
            id: row.id,
            username: row.username!,
            public_key: row.public_key,
            filters: row.filters ?? [],
            disabled: row.disabled,
            quotaBytes: Number(row.quota_bytes),
            usedBytes: row.used_bytes === null ? null : Number(row.used_bytes),
          },
        ]
      : [],
  );
  return { mailboxes, dbNow: rows[0]!.db_now };
}

/** A filter rule as the MX reads it (mime/mail-filter.ts FilterRule). */
export interface InboundFilterRule {
  field: 'from' | 'to' | 'subject' | 'has_attachment';
  contains: string;
  action: 'move' | 'label' | 'mark_read' | 'discard';
  folder: 'inbox' | 'spam' | 'trash' | null;
  /** The label's id, for the label action. */
  label: string | null;
}

/** Every admin of the instance: who receives mail for postmaster (RFC 5321 4.5.1). */
export async function findAdminIds(db: Executor): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`SELECT id FROM users WHERE is_admin ORDER BY created_at, id`.execute(db);
  return rows.map((row) => row.id);
}
