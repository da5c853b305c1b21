import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from '../../testing/db';
import { createTestUser, type TestUser } from '../../testing/factories';
import { type WebServer, startWebServer } from '../../testing/web-server';
import { parsePolicy } from '../delivery/mta-sts';
import { type DomainSettings, domainZoneFile, getDomain } from './domain.service';
import { mtaStsPolicyId } from './mta-sts';
import { policyForHost } from './mta-sts.service';

/**
 * MTA-STS for hosted domains: the policy the web role serves at
 * https://mta-sts.<domain>/.well-known/mta-sts.txt, and the _mta-sts and _smtp._tls records the
 * domain page shows and the zone file holds.
 */
const db = useTestDb();
const settings: DomainSettings = {
  mailDomain: 'localhost',
  mailHostname: 'mx.sealpost.test',
  spfInclude: undefined,
  mtaStsMode: 'enforce',
  webHostname: 'mail.sealpost.test',
};
let owner: TestUser;
let verified: string;
let pending: string;
let verifiedId: string;
let web: WebServer;

async function addDomain(status: 'verified' | 'pending') {
  const name = `sts-${randomBytes(4).toString('hex')}.test`;
  const row = await db
    .insertInto('domains')
    .values({
      name,
      owner_id: owner.account.id,
      verify_token: 'x',
      dkim_selector: 's1',
      dkim_public_key: 'AAAA',
      dkim_private_key: new Uint8Array([1]),
      status,
      verified_at: status === 'verified' ? new Date() : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { name, id: row.id };
}

beforeAll(async () => {
  owner = await createTestUser(db);
  const v = await addDomain('verified');
  verified = v.name;
  verifiedId = v.id;
  pending = (await addDomain('pending')).name;
  web = await startWebServer({ MTA_STS_MODE: 'enforce', MAIL_HOSTNAME: 'mx.sealpost.test' });
});
afterAll(() => web?.stop());

function getPolicy(host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${web.url}/.well-known/mta-sts.txt`, { headers: { host } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      })
      .on('error', reject);
  });
}

describe('MTA-STS for hosted domains', () => {
  it('has a policy for the mail domain and verified domains only', async () => {
    const policy = parsePolicy((await policyForHost(db, settings, `mta-sts.${verified}`))!);
    expect(policy).toEqual({ mode: 'enforce', mx: ['mx.sealpost.test'], maxAgeSeconds: 604800 });
    expect(await policyForHost(db, settings, 'mta-sts.localhost:443')).toContain('mode: enforce');
    expect(await policyForHost(db, settings, `mta-sts.${pending}`)).toBeUndefined();
    expect(await policyForHost(db, settings, verified)).toBeUndefined();
    expect(await policyForHost(db, settings, 'mta-sts.unknown.test')).toBeUndefined();
  });

  it('the web role serves it at /.well-known/mta-sts.txt by host name', async () => {
    const ok = await getPolicy(`mta-sts.${verified}`);
    expect(ok.status).toBe(200);
    expect(parsePolicy(ok.body)?.mode).toBe('enforce');
    expect((await getPolicy(`mta-sts.${pending}`)).status).toBe(404);
  });

  it('the domain page and the zone file carry the _mta-sts and _smtp._tls records', async () => {
    const domain = await getDomain(db, settings, owner.account, verifiedId);
    const id = mtaStsPolicyId(settings);
    expect(domain.mtaStsRecords).toEqual([
      expect.objectContaining({ type: 'CNAME', fqdn: `mta-sts.${verified}`, value: 'mail.sealpost.test' }),
      expect.objectContaining({ type: 'TXT', fqdn: `_mta-sts.${verified}`, value: `v=STSv1; id=${id}` }),
      expect.objectContaining({ type: 'TXT', fqdn: `_smtp._tls.${verified}`, value: `v=TLSRPTv1; rua=mailto:postmaster@${verified}` }),
    ]);
    const { zone } = await domainZoneFile(db, settings, owner.account, verifiedId);
    expect(zone).toContain(`_mta-sts.${verified}.\t3600\tIN\tTXT\t"v=STSv1; id=${id}"`);
    expect(zone).toContain(`_smtp._tls.${verified}.\t3600\tIN\tTXT\t"v=TLSRPTv1; rua=mailto:postmaster@${verified}"`);
    // The id follows the policy: switching the mode announces a new one.
    expect(mtaStsPolicyId({ ...settings, mtaStsMode: 'testing' })).not.toBe(id);
  });
});
