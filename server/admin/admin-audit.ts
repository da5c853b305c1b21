import 'server-only';
import type { Db } from '../../db/client';
import { insertAuditEvent } from '../../db/repositories/audit.repository';
import type { Account } from '../auth/account.service';

/** Every admin action is audited as `admin.<action>`, by the admin, naming its target (never content). */
export async function auditAdminAction(
  db: Db,
  actor: Pick<Account, 'id'> | null,
  action: string,
  details: Record<string, unknown>,
  ip: string | null = null,
): Promise<void> {
  await insertAuditEvent(db, { event: `admin.${action}`, user_id: actor?.id ?? null, ip, details: { ...details, via: actor ? 'console' : 'cli' } });
}
