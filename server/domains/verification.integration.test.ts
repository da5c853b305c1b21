import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { findDomainById } from '../../db/repositories/domain.repository';
import { useTestDb } from '../../testing/db';
import type { Clock } from '../clock';
import { logger } from '../logger';
import { createDnsResolver } from '../mail/dns';
import { startBoss, verificationQueue } from '../jobs/boss';
import { registerDomainJobs } from '../jobs/domain-verify.job';
import { type LoopbackDns, type LoopbackZone, startLoopbackDns } from '../../testing/loopback-dns';
import { createTestUser } from '../../testing/factories';
import { type Domain, type VerificationQueue, addDomain, getDomain } from './domain.service';
import { runDomainCheck } from './verification';
import { zoneFile, expectedRecords } from './records';
import { env } from '../env';
import { settingsFrom } from '../settings';

const settings = settingsFrom(env());

const db = useTestDb();
const clock: Clock = { now: () => new Date() };
const zone: LoopbackZone = {};
let dns: LoopbackDns;
let resolve: ReturnType<typeof createDnsResolver>;
const queued: string[] = [];
const noWorker: VerificationQueue = { enqueueCheck: async (id) => void queued.push(id) };

beforeAll(async () => {
  dns = await startLoopbackDns(zone);
  resolve = createDnsResolver([dns.address], { timeoutMs: 400 });
});
afterAll(() => dns.close());

const uniqueDomain = () => `d${Math.random().toString(36).slice(2, 10)}.example`;

/** Publishes one of the domain's records in the loopback zone, as its owner would at a DNS host. */
function publish(domain: Domain, kind: Domain['records'][number]['kind'], value?: string) {
  const record = domain.records.find((r) => r.kind === kind)!;
  const entry = (zone[record.fqdn] ??= {});
  if (record.type === 'MX') entry.MX = [{ exchange: value ?? record.value, priority: 10 }];
  else entry.TXT = [...(entry.TXT ?? []), value ?? record.value];
}

const statuses = (d: Domain) => Object.fromEntries(d.records.map((r) => [r.kind, r.status]));

describe('domain verification against a real DNS server on loopback', () => {
  it('goes from pending to verified one record at a time', async () => {
    const user = await createTestUser(db);
    const domain = await addDomain(db, noWorker, settings, user.account, uniqueDomain());
    expect(queued).toContain(domain.id);
    expect(domain.status).toBe('pending');

    const seen: Record<string, string>[] = [];
    for (const kind of ['ownership', 'mx', 'spf', 'dkim', 'dmarc'] as const) {
      publish(domain, kind);
      await runDomainCheck(db, resolve, clock, settings, domain.id);
      const now = await getDomain(db, settings, user.account, domain.id);
      seen.push(statuses(now));
      expect(now.records.find((r) => r.kind === kind)!.status).toBe('ok');
      expect(now.status).toBe(kind === 'dmarc' ? 'verified' : 'pending');
    }
    // Each step turned exactly one more record ok.
    expect(seen.map((s) => Object.values(s).filter((v) => v === 'ok').length)).toEqual([1, 2, 3, 4, 5]);
  });

  it('shows a wrong DKIM key as a mismatch with what was found', async () => {
    const user = await createTestUser(db);
    const domain = await addDomain(db, noWorker, settings, user.account, uniqueDomain());
    publish(domain, 'ownership');
    publish(domain, 'dkim', 'v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwrong');
    publish(domain, 'mx', 'mx.elsewhere.example');
    await runDomainCheck(db, resolve, clock, settings, domain.id);
    const after = await getDomain(db, settings, user.account, domain.id);
    const dkim = after.records.find((r) => r.kind === 'dkim')!;
    expect(dkim.status).toBe('mismatch');
    expect(dkim.found).toContain('p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwrong');
    expect(after.records.find((r) => r.kind === 'mx')).toMatchObject({ status: 'mismatch', found: '10 mx.elsewhere.example' });
    expect(after.records.find((r) => r.kind === 'spf')!.status).toBe('missing');
    expect(after.status).toBe('pending');
  });

  it('calls a server that does not answer, or answers SERVFAIL, pending rather than failed', async () => {
    const user = await createTestUser(db);
    const domain = await addDomain(db, noWorker, settings, user.account, uniqueDomain());
    zone[domain.name] = { fail: 'silent' };
    zone[`_dmarc.${domain.name}`] = { fail: 'servfail' };
    await runDomainCheck(db, resolve, clock, settings, domain.id);
    const after = await getDomain(db, settings, user.account, domain.id);
    expect(after.records.find((r) => r.kind === 'ownership')!.status).toBe('pending');
    expect(after.records.find((r) => r.kind === 'dmarc')!.status).toBe('pending');
    expect(after.status).toBe('pending');
    // Past 72 hours without proof, it is failed.
    const later: Clock = { now: () => new Date(Date.now() + 73 * 3600 * 1000) };
    await runDomainCheck(db, resolve, later, settings, domain.id);
    expect((await findDomainById(db, domain.id))!.status).toBe('failed');
  });

  it('verifies through the worker: a pg-boss job checks as soon as it is queued', async () => {
    const boss = await startBoss(inject('databaseUrl'), 'worker');
    try {
      await registerDomainJobs(boss, { db, resolve, clock, settings, log: logger });
      const user = await createTestUser(db);
      const domain = await addDomain(db, noWorker, settings, user.account, uniqueDomain());
      for (const kind of ['ownership', 'mx', 'spf', 'dkim', 'dmarc'] as const) publish(domain, kind);
      const started = Date.now();
      await verificationQueue(boss).enqueueCheck(domain.id, { manual: true });
      await expect.poll(async () => (await findDomainById(db, domain.id))!.status, { timeout: 20_000, interval: 100 }).toBe('verified');
      console.log(`domain verification: records published -> verified in ${Date.now() - started} ms`);
    } finally {
      await boss.stop({ graceful: false, close: true, wait: true });
    }
  });

  it('writes a BIND zone file with every record', async () => {
    const user = await createTestUser(db);
    const domain = await addDomain(db, noWorker, settings, user.account, uniqueDomain());
    const row = (await findDomainById(db, domain.id))!;
    const zoneText = zoneFile(row.name, expectedRecords(row, { mailHostname: 'localhost' }));
    expect(zoneText).toContain(`${row.name}.\t3600\tIN\tTXT\t"sealpost-verify=${row.verify_token}"`);
    expect(zoneText).toContain(`${row.name}.\t3600\tIN\tMX\t10 localhost.`);
    expect(zoneText).toContain(`sealpost._domainkey.${row.name}.\t3600\tIN\tTXT\t"v=DKIM1; k=rsa; p=`);
    expect(zoneText).toContain(`_dmarc.${row.name}.`);
  });
});

describe('domain settings passed in', () => {
  it('point the MX record at mailHostname and refuse the instance’s own mailDomain', async () => {
    const user = await createTestUser(db);
    const other = { ...settings, mailDomain: 'own.example', mailHostname: 'mx.own.example' };
    const domain = await addDomain(db, noWorker, other, user.account, uniqueDomain());
    expect(domain.records.find((r) => r.kind === 'mx')).toMatchObject({ value: 'mx.own.example' });
    expect((await getDomain(db, settings, user.account, domain.id)).records.find((r) => r.kind === 'mx')?.value).toBe(settings.mailHostname);
    const refused = await addDomain(db, noWorker, other, user.account, 'own.example').catch((e: { code?: string }) => e);
    expect(refused).toMatchObject({ code: 'DOMAIN_TAKEN' });
  });
});
