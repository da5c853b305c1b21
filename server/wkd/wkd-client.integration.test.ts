import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from '../../testing/db';
import { type WebServer, startWebServer } from '../../testing/web-server';
import { createTestUser } from '../../testing/factories';
import { isPublicAddress } from '../net/public-address';
import { createCachedWkd, lookupWkd, wkdUrls } from './wkd-client';

/** The WKD client against Sealpost's own WKD (next start, over http) and against misbehaving servers. */
const db = useTestDb();
let web: WebServer;

async function serve(handler: http.RequestListener) {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

beforeAll(async () => {
  web = await startWebServer({ MAIL_DOMAIN: 'localhost', SECRET_KEY: process.env.SECRET_KEY! });
});

describe('lookupWkd', () => {
  it("finds a user's key on Sealpost's own WKD (advanced method path) and checks it carries the address", async () => {
    const user = await createTestUser(db);
    const address = `${user.username}@localhost`;
    const result = await lookupWkd(address, { baseUrl: web.url });
    if (result.status !== 'found') throw new Error(JSON.stringify(result));
    const key = await openpgp.readKey({ armoredKey: result.publicKey });
    expect(key.getFingerprint()).toBe((await openpgp.readKey({ armoredKey: user.publicKeyArmored })).getFingerprint());
    expect(result.fingerprint).toBe(key.getFingerprint());
    expect(await lookupWkd(`nobody${user.username}@localhost`, { baseUrl: web.url })).toEqual({ status: 'not-found' });
  });

  it('asks the advanced method first, then the direct one, with the hash and l= of RFC draft-koch-openpgp-webkey-service', () => {
    expect(wkdUrls('Joe.Doe@Example.ORG')).toEqual([
      'https://openpgpkey.example.org/.well-known/openpgpkey/example.org/hu/iy9q119eutrkn8s1mk4r39qejnbu3n5q?l=Joe.Doe',
      'https://example.org/.well-known/openpgpkey/hu/iy9q119eutrkn8s1mk4r39qejnbu3n5q?l=Joe.Doe',
    ]);
  });

  it('refuses keys for another address, bodies over the limit, and gives up on a silent server in time', async () => {
    const other = await createTestUser(db);
    const binary = (await openpgp.readKey({ armoredKey: other.publicKeyArmored })).write();
    const paths: string[] = [];
    const wrongKey = await serve((req, res) => {
      paths.push(req.url!);
      res.end(Buffer.from(binary));
    });
    try {
      expect(await lookupWkd('someone@example.org', { baseUrl: wrongKey.url })).toEqual({
        status: 'invalid',
        reason: 'the key is not for someone@example.org',
      });
      // Both methods were tried before giving up.
      expect(paths.map((p) => p.replace(/\/hu\/.*/, ''))).toEqual(['/.well-known/openpgpkey/example.org', '/.well-known/openpgpkey']);
      expect(await lookupWkd('someone@example.org', { baseUrl: wrongKey.url, maxBytes: 20 })).toEqual({
        status: 'invalid',
        reason: 'the published key is too large',
      });
    } finally {
      await wrongKey.close();
    }

    const silent = await serve(() => undefined);
    try {
      const started = Date.now();
      expect(await lookupWkd('someone@example.org', { baseUrl: silent.url, timeoutMs: 300 })).toEqual({ status: 'not-found' });
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await silent.close();
    }
  });

  it('never fetches from loopback or private addresses for a real domain (no SSRF), and caches answers', async () => {
    expect(await lookupWkd('someone@localhost', { timeoutMs: 1000 })).toEqual({ status: 'not-found' });
    expect(['127.0.0.1', '10.1.2.3', '192.168.0.1', '169.254.169.254', '::1', '::ffff:127.0.0.1', 'fd00::1'].filter(isPublicAddress)).toEqual([]);
    expect(['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'].every(isPublicAddress)).toBe(true);

    let hits = 0;
    const counting = await serve((_req, res) => {
      hits++;
      res.statusCode = 404;
      res.end();
    });
    try {
      const cached = createCachedWkd({ baseUrl: counting.url });
      await cached('a@example.org');
      await cached('A@example.org');
      expect(hits).toBe(2); // advanced + direct, once
    } finally {
      await counting.close();
    }
  });
});

afterAll(() => web?.stop());
