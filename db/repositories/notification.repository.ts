import 'server-only';
import { sql } from 'kysely';
import type { Db } from '../client';

/**
 * Wakes listeners (the web app's live mailbox) on channel `new_mail`, payload = the user id, once
 * per user. Call it inside the transaction that stores the mail: PostgreSQL delivers notifications
 * only when that transaction commits, so nobody is woken for mail that was rolled back.
 */
export async function notifyNewMail(db: Db, userIds: string[]): Promise<void> {
  const unique = [...new Set(userIds)];
  if (unique.length === 0) return;
  await sql`SELECT pg_notify('new_mail', user_id) FROM unnest(${unique}::text[]) AS t(user_id)`.execute(db);
}
