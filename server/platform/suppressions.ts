import 'server-only';
import type { Db } from '../../db/client';
import type { SuppressionRow } from '../../db/platform-schema';
import { deleteSuppression, insertSuppression, listSuppressions } from '../../db/repositories/platform.repository';
import { AppError } from '../errors';
import { externalAddress } from '../send/envelope';

export interface Suppression {
  address: string;
  reason: string;
  detail: string | null;
  created_at: string;
}

const rowToSuppression = (r: SuppressionRow): Suppression => ({
  address: r.address,
  reason: r.reason,
  detail: r.detail,
  created_at: r.created_at.toISOString(),
});

export async function suppressionsOf(db: Db, domain: string): Promise<Suppression[]> {
  return (await listSuppressions(db, domain, 1000)).map(rowToSuppression);
}

function normalized(address: string): string {
  try {
    return externalAddress(address).address.toLowerCase();
  } catch {
    throw new AppError('BAD_INPUT', 'address: not an email address.', { field: 'address' });
  }
}

export async function suppress(db: Db, domain: string, address: string): Promise<Suppression> {
  return rowToSuppression(await insertSuppression(db, { domain, address: normalized(address), reason: 'manual', detail: null }));
}

export async function unsuppress(db: Db, domain: string, address: string): Promise<void> {
  if (!(await deleteSuppression(db, domain, normalized(address)))) throw new AppError('NOT_FOUND', 'That address is not suppressed.');
}
