import 'server-only';
import type { Db } from '../../db/client';
import { findDomainByName } from '../../db/repositories/domain.repository';

/** MAIL_DOMAIN, or a customer domain whose ownership is verified: the domains routing accepts mail for. */
export async function isHostedDomain(db: Db, domain: string, mailDomain: string): Promise<boolean> {
  if (domain === mailDomain) return true;
  const row = await findDomainByName(db, domain);
  return row?.status === 'verified';
}
