import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { E2E } from '../playwright.config';
import type { LoopbackZone } from '../testing/loopback-dns';
import { databaseUrl } from './helpers';

export type ZoneEntry = LoopbackZone[string];

/**
 * This worker's own zone file in the DNS server's folder (e2e/dns-server.ts answers from all of
 * them): two workers publishing at the same moment can't lose each other's records.
 */
const zoneFile = path.join(E2E.dnsZoneDir, `worker-${process.pid}.json`);

export function readZone(): LoopbackZone {
  return existsSync(zoneFile) ? (JSON.parse(readFileSync(zoneFile, 'utf8')) as LoopbackZone) : {};
}

/**
 * Publishes `entry` as everything DNS answers for `name` (replacing what was there), or removes the
 * name with `null`. Written to a temporary file and renamed, so the DNS server never reads half a zone.
 * Names are unique per test (uniqueName), or the same everywhere (the instance's DKIM record).
 */
export function setZoneEntry(name: string, entry: ZoneEntry | null): void {
  const zone = readZone();
  const key = name.toLowerCase().replace(/\.$/, '');
  if (entry) zone[key] = entry;
  else delete zone[key];
  const temporary = `${zoneFile}.tmp`;
  writeFileSync(temporary, JSON.stringify(zone, null, 2));
  renameSync(temporary, zoneFile);
}

/**
 * An alias on a domain, written straight to the database: the addresses UI is built separately,
 * and this test only needs the domain to have something on it that deleting would break.
 */
export async function insertAlias(options: { username: string; domainId: string; domain: string; localPart: string }): Promise<void> {
  const client = new pg.Client({ connectionString: await databaseUrl() });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>('select id from users where username = $1', [options.username]);
    if (!rows[0]) throw new Error(`no user ${options.username}`);
    await client.query(
      `insert into addresses (user_id, domain_id, local_part, domain, address, kind, alias_style)
       values ($1, $2, $3, $4, $5, 'alias', 'custom')`,
      [rows[0].id, options.domainId, options.localPart, options.domain, `${options.localPart}@${options.domain}`],
    );
  } finally {
    await client.end();
  }
}

/**
 * A domain that is already verified, written straight to the database: for tests of what a verified
 * domain allows (addresses, aliases), not of verification itself (domains.spec.ts covers that).
 */
export async function insertVerifiedDomain(options: { username: string; domain: string }): Promise<void> {
  const client = new pg.Client({ connectionString: await databaseUrl() });
  await client.connect();
  try {
    await client.query(
      `insert into domains (name, owner_id, verify_token, dkim_selector, dkim_public_key, dkim_private_key, status, verified_at)
       select $2, id, 'token', 'sealpost', 'unused', '\\x00', 'verified', now() from users where username = $1`,
      [options.username, options.domain],
    );
  } finally {
    await client.end();
  }
}
