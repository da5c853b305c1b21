import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import type { Db } from '../db/client';
import { systemClock } from '../server/clock';
import { env } from '../server/env';
import { platformQueue } from '../server/jobs/platform-queue';
import { createApiKey } from '../server/platform/api-keys';
import { createApiHandler } from '../server/platform/http';
import { type WebhookDispatcher, startWebhookDispatcher } from '../server/platform/webhook-dispatcher';
import { SharedKeyRateLimiter } from '../server/platform/shared-rate-limit';
import { settingsFrom } from '../server/settings';
import type { ApiScope } from '../db/platform-schema';
import { createTestUser, type TestUser } from './factories';
import { senderDomain } from './outbound/fixtures';
import { type OutboundHarness, routeToSink } from './outbound/harness';

/**
 * The sending platform in-process for tests and the benchmark: the REST API on 127.0.0.1:0 (the
 * same handler the web role mounts), queueing into an outbound harness's pg-boss, and the webhook
 * dispatcher of the worker role.
 */
export interface PlatformHarness {
  url: string;
  db: Db;
  dispatcher: WebhookDispatcher;
  limiter: SharedKeyRateLimiter;
  close(): Promise<void>;
}

export async function startPlatform(db: Db, outbound: OutboundHarness, options: { webhookRetryMs?: number } = {}): Promise<PlatformHarness> {
  const settings = settingsFrom(env());
  const limiter = new SharedKeyRateLimiter(db);
  const handler = createApiHandler({ db, clock: outbound.clock, settings, queue: platformQueue(outbound.boss), log: pino({ level: 'silent' }), limiter });
  const server = http.createServer((req, res) => {
    void handler(req, res).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dispatcher = startWebhookDispatcher({
    db,
    clock: systemClock,
    log: pino({ level: 'silent' }),
    pollMs: 50,
    retryBaseMs: options.webhookRetryMs ?? 200,
    timeoutMs: 2000,
    allowPrivateTargets: true,
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    db,
    dispatcher,
    limiter,
    async close() {
      await dispatcher.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface PlatformCustomer {
  user: TestUser;
  domain: string;
  from: string;
  key: string;
  keyId: string;
}

const owners = new WeakMap<Db, Promise<TestUser>>();

/** A user with a verified domain (its DKIM key published in the loopback zone) and an API key for it. */
export async function platformCustomer(
  db: Db,
  outbound: OutboundHarness,
  options: { scopes?: ApiScope[]; ratePerMinute?: number } = {},
): Promise<PlatformCustomer> {
  // Making a user costs an Argon2id derivation (seconds on a busy machine): one owner per database, a new domain each time.
  let owner = owners.get(db);
  if (!owner) {
    owner = createTestUser(db);
    owners.set(db, owner);
  }
  const user = await owner;
  const name = `shop${randomBytes(4).toString('hex')}.test`;
  const { domain } = await senderDomain(db, user, outbound.zone, name, { local: 'orders' });
  const { key, secret } = await createApiKey(db, systemClock, settingsFrom(env()), user.account, {
    domain,
    name: 'test',
    scopes: options.scopes ?? ['send', 'stats', 'templates', 'webhooks'],
    ratePerMinute: options.ratePerMinute ?? 100_000,
  });
  return { user, domain, from: `orders@${domain}`, key: secret, keyId: key.id };
}

/** A fresh recipient domain whose MX is the harness's sink. */
export function sinkDomain(outbound: OutboundHarness, prefix = 'rcpt'): string {
  const domain = `${prefix}${randomBytes(4).toString('hex')}.test`;
  routeToSink(outbound.zone, domain);
  return domain;
}

/** A JSON request to the API with a key. */
export async function api(
  base: string,
  key: string | null,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}
