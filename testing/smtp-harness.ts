import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import { expect } from 'vitest';
import { decryptBytes, type PrivateKeyHandle, readPrivateKey } from '../crypto';
import type { Db } from '../db/client';
import { getMessage } from '../db/repositories/message.repository';
import type { MessageRow } from '../db/schema';
import { type Clock, systemClock } from '../server/clock';
import { env } from '../server/env';
import { createDnsResolver } from '../server/mail/dns';
import type { MessageSummary } from '../mime/summary';
import type { TestUser } from './factories';
import { type LoopbackDns, type LoopbackZone, startLoopbackDns } from './loopback-dns';
import { createInboundServer, type InboundConfig, type InboundServer } from '../smtp/server';
import { loadTlsCredentials, type TlsCredentials } from '../server/tls';
import { RawSmtpClient } from './smtp-raw-client';
import type { PluginRunner } from '../smtp/plugins/runner';

/**
 * The real sidecar on 127.0.0.1:0 against a real database, with a real DNS server on loopback and
 * a logger whose every line is kept, so tests can scan what was logged.
 */
export interface Sidecar {
  port: number;
  server: InboundServer;
  dns: LoopbackDns;
  config: InboundConfig;
  /** Every JSON log line the sidecar wrote, at debug level and above. */
  logs: string[];
  /** Connects and checks the 220 greeting. */
  connect(): Promise<RawSmtpClient>;
  /** Connects, checks the greeting and says EHLO. */
  connectEhlo(helo?: string): Promise<RawSmtpClient>;
  close(): Promise<void>;
}

let tls: Promise<TlsCredentials> | undefined;
/** One self-signed certificate per test process, made the way smtp/main.ts makes it; the files go at once. */
function testTls(): Promise<TlsCredentials> {
  if (!tls) {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sealpost-tls-'));
    tls = loadTlsCredentials({ dataDir, hostname: 'mx.sealpost.test' }).finally(() => rmSync(dataDir, { recursive: true, force: true }));
  }
  return tls;
}

export async function startSidecar(
  db: Db,
  options: { config?: Partial<InboundConfig>; zone?: LoopbackZone; clock?: Clock; plugins?: (logger: Logger) => PluginRunner } = {},
): Promise<Sidecar> {
  const dns = await startLoopbackDns(options.zone);
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const config: InboundConfig = {
    mailDomain: env().MAIL_DOMAIN,
    hostname: 'mx.sealpost.test',
    maxMessageBytes: env().MAX_MESSAGE_BYTES,
    maxRecipients: 10,
    maxClients: 50,
    maxClientsPerIp: 20,
    sessionTimeoutMs: 60_000,
    closeTimeoutMs: 5_000,
    tls: await testTls(),
    ...options.config,
  };
  const logger = pino({ level: 'debug' }, sink);
  const server = createInboundServer({
    db,
    clock: options.clock ?? systemClock,
    logger,
    config,
    resolver: createDnsResolver([dns.address]),
    ...(options.plugins ? { plugins: options.plugins(logger) } : {}),
  });
  const { port } = await server.listen(0, '127.0.0.1');

  const connect = async () => {
    const { client, greeting } = await RawSmtpClient.connect(port);
    expect(greeting.code).toBe(220);
    return client;
  };
  return {
    port,
    server,
    dns,
    config,
    logs,
    connect,
    async connectEhlo(helo = 'client.sealpost.test') {
      const client = await connect();
      expect((await client.command(`EHLO ${helo}`)).code).toBe(250);
      return client;
    },
    async close() {
      await server.close();
      await dns.close();
    },
  };
}

const privateKeys = new Map<string, Promise<PrivateKeyHandle>>();

/** Loads a stored message of `user` and decrypts both copies with the user's private key. */
export async function decryptStored(db: Db, user: TestUser, id: string): Promise<{ row: MessageRow; raw: Buffer; summary: MessageSummary }> {
  const row = await getMessage(db, user.account.id, id);
  if (!row) throw new Error(`message ${id} is not stored for ${user.username}`);
  let key = privateKeys.get(user.privateKeyArmored);
  if (!key) privateKeys.set(user.privateKeyArmored, (key = readPrivateKey(user.privateKeyArmored)));
  const [raw, summary] = await Promise.all([decryptBytes(row.raw_ciphertext, await key), decryptBytes(row.summary_ciphertext, await key)]);
  if (raw.status !== 'ok' || summary.status !== 'ok') throw new Error('stored message does not decrypt');
  return { row, raw: Buffer.from(raw.data), summary: JSON.parse(Buffer.from(summary.data).toString('utf8')) as MessageSummary };
}

/** The id that "250 2.0.0 Ok: queued as <id>" names. */
export function queuedId(reply: { code: number; text: string } | undefined): string {
  const match = /^250 2\.0\.0 Ok: queued as ([0-9a-f-]{36})$/.exec(reply?.text ?? '');
  if (!match) throw new Error(`expected a 250 queued reply, got ${JSON.stringify(reply?.text)}`);
  return match[1]!;
}
