import 'server-only';
import type { Db } from '../client';

/** Security events: sign-ins, failures, resets, revocations. Never message content or keys. */
export async function insertAuditEvent(
  db: Db,
  event: { event: string; user_id?: string | null; ip?: string | null; details?: Record<string, unknown> },
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      event: event.event,
      user_id: event.user_id ?? null,
      ip: event.ip ?? null,
      details: event.details ? JSON.stringify(event.details) : null,
    })
    .execute();
}
