import 'server-only';
import type { Db } from '../client';
import type { DomainRecordRow, DomainRow, DomainStatus, RecordKind, RecordStatus } from '../schema';

export async function insertDomain(
  db: Db,
  row: Pick<DomainRow, 'name' | 'owner_id' | 'verify_token' | 'dkim_selector' | 'dkim_public_key' | 'dkim_private_key'>,
  kinds: RecordKind[],
): Promise<DomainRow> {
  return db.transaction().execute(async (trx) => {
    const domain = await trx.insertInto('domains').values(row).returningAll().executeTakeFirstOrThrow();
    if (kinds.length)
      await trx
        .insertInto('domain_records')
        .values(kinds.map((kind) => ({ domain_id: domain.id, kind })))
        .execute();
    return domain;
  });
}

export async function findDomainById(db: Db, id: string): Promise<DomainRow | undefined> {
  return db.selectFrom('domains').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findDomainByName(db: Db, name: string): Promise<DomainRow | undefined> {
  return db.selectFrom('domains').selectAll().where('name', '=', name).executeTakeFirst();
}

export async function listDomains(db: Db, ownerId: string | null): Promise<DomainRow[]> {
  let query = db.selectFrom('domains').selectAll().orderBy('name');
  if (ownerId) query = query.where('owner_id', '=', ownerId);
  return query.execute();
}

export async function listVerifiedDomainIds(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('domains').select('id').where('status', '=', 'verified').execute();
  return rows.map((r) => r.id);
}

export async function listRecords(db: Db, domainIds: string[]): Promise<DomainRecordRow[]> {
  if (domainIds.length === 0) return [];
  return db.selectFrom('domain_records').selectAll().where('domain_id', 'in', domainIds).execute();
}

export async function saveCheck(
  db: Db,
  domainId: string,
  checks: { kind: RecordKind; status: RecordStatus; found: string | null }[],
  domain: { status: DomainStatus; verified_at: Date | null; last_checked_at: Date },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const check of checks) {
      await trx
        .updateTable('domain_records')
        .set({ status: check.status, found: check.found, checked_at: domain.last_checked_at })
        .where('domain_id', '=', domainId)
        .where('kind', '=', check.kind)
        .execute();
    }
    await trx.updateTable('domains').set(domain).where('id', '=', domainId).execute();
  });
}

export async function setCatchAll(db: Db, id: string, enabled: boolean): Promise<void> {
  await db.updateTable('domains').set({ catch_all: enabled }).where('id', '=', id).execute();
}

export async function deleteDomain(db: Db, id: string): Promise<void> {
  await db.deleteFrom('domains').where('id', '=', id).execute();
}

export async function countAddressesOnDomain(db: Db, domainId: string): Promise<{ addresses: number; aliases: number }> {
  const rows = await db
    .selectFrom('addresses')
    .select(['kind', (eb) => eb.fn.countAll<string>().as('n')])
    .where('domain_id', '=', domainId)
    .groupBy('kind')
    .execute();
  const count = (kind: string) => Number(rows.find((r) => r.kind === kind)?.n ?? 0);
  return { addresses: count('address'), aliases: count('alias') };
}
