import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from '../../testing/db';
import { createTestUser } from '../../testing/factories';
import { api } from '../../testing/platform';
import { systemClock } from '../clock';
import { env } from '../env';
import { settingsFrom } from '../settings';
import { createApiKeyAsOperator } from './api-keys';
import { createApiHandler } from './http';

const db = useTestDb();
const settings = settingsFrom(env());
const servers: http.Server[] = [];
const nodes: string[] = [];
let admin: string;

/** One API node: the web role's handler with its own key cache, rate limiter and group commit. */
async function startNode(): Promise<string> {
  const queue = {
    enqueueDeliveries: async () => {
      throw new Error('these tests send nothing');
    },
  };
  const handler = createApiHandler({ db, clock: systemClock, settings, queue, log: pino({ level: 'silent' }) });
  const server = http.createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function key(ratePerMinute: number): Promise<string> {
  const { secret } = await createApiKeyAsOperator(db, systemClock, settings, {
    domain: settings.mailDomain,
    owner: admin,
    name: `rate ${ratePerMinute}`,
    scopes: ['stats'],
    ratePerMinute,
  });
  return secret;
}

beforeAll(async () => {
  admin = (await createTestUser(db, { isAdmin: true })).account.username;
  nodes.push(await startNode(), await startNode());
});
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

describe('the per-key rate limit across nodes', () => {
  it('holds for two API nodes sharing the database: 6 a minute is 6 in all, then 429 with Retry-After on either node', async () => {
    const secret = await key(6);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await api(nodes[i % 2]!, secret, 'GET', '/stats')).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(6);
    expect(statuses.slice(6)).toEqual([429, 429, 429, 429]);
    for (const node of nodes) {
      const refused = await api(node, secret, 'GET', '/stats');
      expect(refused.status).toBe(429);
      // A token comes back every 10 s at 6 a minute.
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(10);
      expect(refused.body.error.code).toBe('THROTTLED');
    }
  });

  it('leases tokens in blocks at higher rates and still never admits more than the rate across nodes', async () => {
    // 120 a minute: each node leases 2 tokens at a time; the bucket refills 2 a second.
    const secret = await key(120);
    const started = Date.now();
    const statuses = await Promise.all(Array.from({ length: 150 }, (_, i) => api(nodes[i % 2]!, secret, 'GET', '/stats').then((r) => r.status)));
    const seconds = (Date.now() - started) / 1000;
    const admitted = statuses.filter((s) => s === 200).length;
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    // Never more than the bucket plus what it refilled meanwhile; at most one unused block per node short of it.
    expect(admitted).toBeLessThanOrEqual(120 + Math.ceil(seconds * 2));
    expect(admitted).toBeGreaterThanOrEqual(120 - 2 * 2);
    const row = await db
      .selectFrom('api_key_rate_buckets')
      .select('tokens')
      .innerJoin('api_keys', 'api_keys.id', 'api_key_rate_buckets.key_id')
      .where('api_keys.name', '=', 'rate 120')
      .executeTakeFirstOrThrow();
    expect(row.tokens).toBeLessThan(2 + seconds * 2);
  });
});
