import 'server-only';
import type { Db } from '../../db/client';
import { findDomainByName } from '../../db/repositories/domain.repository';
import { type MtaStsSettings, mtaStsPolicy } from './mta-sts';

/**
 * The policy for a request to https://mta-sts.<domain>/.well-known/mta-sts.txt: for the instance's
 * own mail domain and every verified hosted domain, nothing for any other host.
 */
export async function policyForHost(db: Db, settings: MtaStsSettings & { mailDomain: string }, host: string | null): Promise<string | undefined> {
  const name = host?.toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
  if (!name?.startsWith('mta-sts.')) return undefined;
  const domain = name.slice('mta-sts.'.length);
  if (domain !== settings.mailDomain) {
    const row = await findDomainByName(db, domain);
    if (row?.status !== 'verified') return undefined;
  }
  return mtaStsPolicy(settings);
}
