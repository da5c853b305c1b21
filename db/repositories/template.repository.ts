import 'server-only';
import type { Db } from '../client';
import type { TemplateRow, TemplateVersionRow } from '../platform-schema';

export async function insertTemplate(db: Db, row: TemplateRow): Promise<TemplateRow> {
  return db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('templates')
      .values(row)
      .onConflict((oc) => oc.columns(['domain', 'name']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!inserted) return undefined as unknown as TemplateRow;
    await trx
      .insertInto('template_versions')
      .values({ template_id: row.id, version: row.version, subject: row.subject, html: row.html, text: row.text, created_at: row.created_at })
      .execute();
    return inserted;
  });
}

export async function findTemplate(db: Db, domain: string, idOrName: string): Promise<TemplateRow | undefined> {
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrName);
  return db
    .selectFrom('templates')
    .selectAll()
    .where('domain', '=', domain)
    .where(isUuid ? 'id' : 'name', '=', idOrName)
    .executeTakeFirst();
}

export async function listTemplates(db: Db, domain: string): Promise<TemplateRow[]> {
  return db.selectFrom('templates').selectAll().where('domain', '=', domain).orderBy('name').execute();
}

/** A new version becomes the current one; earlier versions stay readable. */
export async function updateTemplate(
  db: Db,
  domain: string,
  id: string,
  content: { subject: string; html: string | null; text: string | null },
  now: Date,
): Promise<TemplateRow | undefined> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('templates')
      .set((eb) => ({ ...content, version: eb('version', '+', 1), updated_at: now }))
      .where('id', '=', id)
      .where('domain', '=', domain)
      .returningAll()
      .executeTakeFirst();
    if (row)
      await trx
        .insertInto('template_versions')
        .values({ template_id: id, version: row.version, ...content, created_at: now })
        .execute();
    return row;
  });
}

export async function listTemplateVersions(db: Db, templateId: string): Promise<TemplateVersionRow[]> {
  return db.selectFrom('template_versions').selectAll().where('template_id', '=', templateId).orderBy('version', 'desc').execute();
}

export async function findTemplateVersion(db: Db, templateId: string, version: number): Promise<TemplateVersionRow | undefined> {
  return db.selectFrom('template_versions').selectAll().where('template_id', '=', templateId).where('version', '=', version).executeTakeFirst();
}

export async function deleteTemplate(db: Db, domain: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('templates').where('id', '=', id).where('domain', '=', domain).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
