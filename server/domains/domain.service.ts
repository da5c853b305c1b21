import 'server-only';
import { randomBytes } from 'node:crypto';
import { domainToUnicode } from 'node:url';
import type { Db } from '../../db/client';
import {
  countAddressesOnDomain,
  deleteDomain as deleteDomainRow,
  findDomainById,
  findDomainByName,
  insertDomain,
  listDomains as listDomainRows,
  listRecords,
  setCatchAll as setCatchAllRow,
} from '../../db/repositories/domain.repository';
import { insertAuditEvent } from '../../db/repositories/audit.repository';
import type { DomainRecordRow, DomainRow, DomainStatus, RecordKind, RecordStatus } from '../../db/schema';
import type { Account } from '../auth/account.service';
import { AppError } from '../errors';
import type { Settings } from '../settings';
import { generateDkimKey } from './dkim';
import { sealAtRest } from '../secrets';
import { normalizeDomainName } from './domain-name';
import { RECORD_KINDS, type RecordConfig, expectedRecords, zoneFile } from './records';
import { type AnnouncementRecord, mtaStsRecords, mtaStsZoneLines } from './mta-sts';

export interface DomainRecord {
  kind: RecordKind;
  type: 'TXT' | 'MX';
  host: string;
  fqdn: string;
  value: string;
  priority: number | null;
  status: RecordStatus;
  found: string | null;
  checkedAt: string | null;
}

export interface Domain {
  id: string;
  name: string;
  unicodeName: string;
  ownerId: string;
  status: DomainStatus;
  catchAll: boolean;
  verifiedAt: string | null;
  lastCheckedAt: string | null;
  createdAt: string;
  /** A verified domain whose records no longer all match. */
  drift: boolean;
  records: DomainRecord[];
  /** MTA-STS and TLS-RPT: recommended, not part of verification. */
  mtaStsRecords: AnnouncementRecord[];
}

/** Starts verification checks; the worker's pg-boss queue in production. */
export interface VerificationQueue {
  enqueueCheck(domainId: string, options?: { manual?: boolean }): Promise<void>;
}

export const DKIM_PURPOSE = 'dkim-private-key';

/** What the domain rules need: the instance's own domain and what its records point at. */
export type DomainSettings = Pick<Settings, 'mailDomain' | 'mailHostname' | 'spfInclude' | 'mtaStsMode' | 'webHostname'>;

export function recordConfig(settings: DomainSettings): RecordConfig {
  return { mailHostname: settings.mailHostname, spfInclude: settings.spfInclude };
}

export function rowToDomain(settings: DomainSettings, row: DomainRow, records: DomainRecordRow[]): Domain {
  const byKind = new Map(records.map((r) => [r.kind, r]));
  const expected = expectedRecords(row, recordConfig(settings));
  const mapped = expected.map((e) => {
    const saved = byKind.get(e.kind);
    return {
      kind: e.kind,
      type: e.type,
      host: e.host,
      fqdn: e.fqdn,
      value: e.value,
      priority: e.priority ?? null,
      status: saved?.status ?? 'pending',
      found: saved?.found ?? null,
      checkedAt: saved?.checked_at?.toISOString() ?? null,
    };
  });
  return {
    id: row.id,
    name: row.name,
    unicodeName: domainToUnicode(row.name) || row.name,
    ownerId: row.owner_id,
    status: row.status,
    catchAll: row.catch_all,
    verifiedAt: row.verified_at?.toISOString() ?? null,
    lastCheckedAt: row.last_checked_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    drift: row.status === 'verified' && mapped.some((r) => r.status !== 'ok' && r.checkedAt !== null),
    records: mapped,
    mtaStsRecords: mtaStsRecords(row.name, settings),
  };
}

/** Owners manage their domains; admins see and manage all of them. */
export async function loadOwnedDomain(db: Db, actor: Account, id: string): Promise<DomainRow> {
  const row = await findDomainById(db, id);
  if (!row || (row.owner_id !== actor.id && !actor.isAdmin)) throw new AppError('NOT_FOUND', 'That domain does not exist.');
  return row;
}

async function withRecords(db: Db, settings: DomainSettings, rows: DomainRow[]): Promise<Domain[]> {
  const records = await listRecords(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((row) =>
    rowToDomain(
      settings,
      row,
      records.filter((r) => r.domain_id === row.id),
    ),
  );
}

export async function addDomain(db: Db, queue: VerificationQueue, settings: DomainSettings, actor: Account, input: string): Promise<Domain> {
  const name = normalizeDomainName(input);
  if (!name.ok) throw new AppError('BAD_INPUT', name.error);
  if (name.ascii === settings.mailDomain) throw new AppError('DOMAIN_TAKEN', `${name.ascii} is this server's own mail domain.`);
  if (await findDomainByName(db, name.ascii)) throw new AppError('DOMAIN_TAKEN', `${name.ascii} has already been added.`);
  const dkim = await generateDkimKey();
  let row: DomainRow;
  try {
    row = await insertDomain(
      db,
      {
        name: name.ascii,
        owner_id: actor.id,
        verify_token: randomBytes(16).toString('hex'),
        dkim_selector: 'sealpost',
        dkim_public_key: dkim.publicKey,
        dkim_private_key: sealAtRest(dkim.privateKeyPem, DKIM_PURPOSE),
      },
      RECORD_KINDS,
    );
  } catch (err) {
    if ((err as { code?: string }).code === '23505') throw new AppError('DOMAIN_TAKEN', `${name.ascii} has already been added.`);
    throw err;
  }
  await insertAuditEvent(db, { event: 'domain.added', user_id: actor.id, details: { domain: row.name } });
  await queue.enqueueCheck(row.id);
  return (await withRecords(db, settings, [row]))[0]!;
}

export async function listDomains(db: Db, settings: DomainSettings, actor: Account): Promise<Domain[]> {
  return withRecords(db, settings, await listDomainRows(db, actor.isAdmin ? null : actor.id));
}

export async function getDomain(db: Db, settings: DomainSettings, actor: Account, id: string): Promise<Domain> {
  return (await withRecords(db, settings, [await loadOwnedDomain(db, actor, id)]))[0]!;
}

export async function domainZoneFile(db: Db, settings: DomainSettings, actor: Account, id: string): Promise<{ name: string; zone: string }> {
  const row = await loadOwnedDomain(db, actor, id);
  const zone = zoneFile(row.name, expectedRecords(row, recordConfig(settings)));
  return { name: row.name, zone: `${zone}; MTA-STS and TLS reporting\n${mtaStsZoneLines(mtaStsRecords(row.name, settings)).join('\n')}\n` };
}

export async function requestCheck(db: Db, queue: VerificationQueue, actor: Account, id: string): Promise<void> {
  const row = await loadOwnedDomain(db, actor, id);
  await queue.enqueueCheck(row.id, { manual: true });
}

export async function setCatchAll(db: Db, settings: DomainSettings, actor: Account, id: string, enabled: boolean): Promise<Domain> {
  const row = await loadOwnedDomain(db, actor, id);
  await setCatchAllRow(db, row.id, enabled);
  return getDomain(db, settings, actor, id);
}

/** What stops working if the domain goes, for the confirmation the UI shows first. */
export async function deletionImpact(db: Db, actor: Account, id: string) {
  const row = await loadOwnedDomain(db, actor, id);
  const counts = await countAddressesOnDomain(db, row.id);
  return { ...counts, catchAll: row.catch_all };
}

export async function removeDomain(db: Db, actor: Account, id: string, confirmed: boolean): Promise<void> {
  const row = await loadOwnedDomain(db, actor, id);
  const impact = await countAddressesOnDomain(db, row.id);
  if ((impact.addresses > 0 || impact.aliases > 0) && !confirmed) {
    throw new AppError(
      'CONFIRMATION_REQUIRED',
      `Deleting ${row.name} removes ${impact.addresses} address(es) and ${impact.aliases} alias(es); mail to them will be refused.`,
      impact,
    );
  }
  await deleteDomainRow(db, row.id);
  await insertAuditEvent(db, { event: 'domain.deleted', user_id: actor.id, details: { domain: row.name, ...impact } });
}
