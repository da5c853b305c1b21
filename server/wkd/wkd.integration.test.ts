import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertAddress } from '../../db/repositories/address.repository';
import { useTestDb } from '../../testing/db';
import { type WebServer, startWebServer } from '../../testing/web-server';
import { createTestUser } from '../../testing/factories';

const run = promisify(execFile);
const db = useTestDb();
const WKS_CLIENT = '/usr/lib/gnupg/gpg-wks-client';
let web: WebServer;
let gnupgHome: string;

beforeAll(async () => {
  web = await startWebServer({ MAIL_DOMAIN: 'localhost', SECRET_KEY: process.env.SECRET_KEY! });
  gnupgHome = mkdtempSync(path.join(os.tmpdir(), 'sealpost-gpg-'));
  chmodSync(gnupgHome, 0o700);
});
afterAll(() => {
  web?.stop();
  if (gnupgHome) rmSync(gnupgHome, { recursive: true, force: true });
});

/** GnuPG's own WKD URL for an address, pointed at the Sealpost under test (same path, same query). */
async function wkdUrl(address: string): Promise<{ hash: string; url: string }> {
  const { stdout: hashLine } = await run(WKS_CLIENT, ['--print-wkd-hash', address]);
  const { stdout: urlLine } = await run(WKS_CLIENT, ['--print-wkd-url', address]);
  const official = new URL(urlLine.trim());
  return { hash: hashLine.split(' ')[0]!, url: `${web.url}${official.pathname}${official.search}` };
}

describe('WKD', () => {
  it('serves <user>@MAIL_DOMAIN where gpg-wks-client looks; gpg imports it with that user ID and a cv25519 subkey', async () => {
    const user = await createTestUser(db);
    const address = `${user.username}@localhost`;
    const { hash, url } = await wkdUrl(address);
    expect(url).toContain(`/.well-known/openpgpkey/localhost/hu/${hash}?l=${user.username}`);

    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    const keyFile = path.join(gnupgHome, `${user.username}.pgp`);
    await import('node:fs/promises').then((fs) => res.arrayBuffer().then((b) => fs.writeFile(keyFile, Buffer.from(b))));
    await run('gpg', ['--homedir', gnupgHome, '--batch', '--import', keyFile]);
    const { stdout } = await run('gpg', ['--homedir', gnupgHome, '--batch', '--with-colons', '--list-keys', address]);
    const uids = stdout.split('\n').filter((l) => l.startsWith('uid:'));
    expect(uids).toHaveLength(1);
    expect(uids[0]).toContain(`<${address}>`);
    const sub = stdout
      .split('\n')
      .find((l) => l.startsWith('sub:'))!
      .split(':');
    expect(sub[3]).toBe('18'); // ECDH
    expect(sub[16]).toBe('cv25519');
    expect(sub[11]).toContain('e'); // usable for encryption

    // The direct method (on the domain's own host) serves the same key.
    const direct = await fetch(`${web.url.replace('127.0.0.1', 'localhost')}/.well-known/openpgpkey/hu/${hash}?l=${user.username}`);
    expect(direct.status).toBe(200);
    expect((await fetch(`${web.url}/.well-known/openpgpkey/policy`)).status).toBe(200);
  });

  it('never serves aliases, unknown addresses, or a local part that does not match the hash', async () => {
    const user = await createTestUser(db);
    await insertAddress(db, {
      user_id: user.account.id,
      domain_id: null,
      local_part: `alias${user.username}`,
      domain: 'localhost',
      address: `alias${user.username}@localhost`,
      kind: 'alias',
      alias_style: 'custom',
      note: null,
    });
    for (const address of [`alias${user.username}@localhost`, `nobody${user.username}@localhost`]) {
      const { url } = await wkdUrl(address);
      expect((await fetch(url)).status).toBe(404);
    }
    const { hash } = await wkdUrl(`${user.username}@localhost`);
    expect((await fetch(`${web.url}/.well-known/openpgpkey/localhost/hu/${hash}?l=someoneelse`)).status).toBe(404);
  });
});
