import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reloadEnv } from '../../env';
import { stopQueueClient } from '../../jobs/queue-client';
import { useIsolatedDb } from '../../../testing/outbound/isolated-db';
import { type TestUser, createTestUser } from '../../../testing/factories';
import { buildTestMime } from '../../../testing/outgoing-mail';
import { trpcCallers, trpcError } from '../../../testing/api';

// Its own database: send queues pg-boss jobs through the web role's handle (DATABASE_URL).
const isolated = useIsolatedDb();
const callerFor = trpcCallers(() => isolated.db());
let user: TestUser;
let admin: TestUser;

beforeAll(async () => {
  process.env.DATABASE_URL = isolated.url();
  reloadEnv();
  user = await createTestUser(isolated.db());
  admin = await createTestUser(isolated.db(), { isAdmin: true });
});
afterAll(() => stopQueueClient());

const later = () => new Date(Date.now() + 24 * 3600_000).toISOString();

/** outbound.send's input for a message the browser's builder made. */
function built(from: string, to: string[], subject: string, sendAt?: string) {
  const mime = Buffer.from(buildTestMime({ from, to, cc: [], bcc: [], subject, text: 'Hello' })).toString('base64');
  return { from, recipients: to.map((t) => t.replace(/^.*<(.*)>$/, '$1')), mime, ...(sendAt ? { sendAt } : {}) };
}

describe('outbound router', () => {
  it('queues, lists and cancels, returning only the allow-listed fields', async () => {
    const api = callerFor(user);
    const sent = await api.outbound.send(built(user.account.address, ['Pat <pat@example.org>'], 'Hi', later()));
    expect(Object.keys(sent).sort()).toEqual(
      ['attempts', 'cancellable', 'createdAt', 'finishedAt', 'from', 'id', 'nextAttemptAt', 'recipients', 'sendAt', 'size', 'status'].sort(),
    );
    expect(sent).toMatchObject({
      status: 'scheduled',
      cancellable: true,
      recipients: [{ address: 'pat@example.org', status: 'queued', attempts: 0, lastReply: null }],
    });
    expect((await api.outbound.list({})).map((m) => m.id)).toContain(sent.id);
    expect(await api.outbound.cancel({ id: sent.id })).toMatchObject({ id: sent.id, status: 'cancelled', cancellable: false });
    expect(await api.outbound.limits()).toMatchObject({ perHour: 100, perDay: 500, custom: false, usedLastHour: 0 });
  });

  it('maps refusals to tRPC codes with the service message', async () => {
    const api = callerFor(user);
    const forbidden = await trpcError(api.outbound.send(built('someone@elsewhere.example', ['pat@example.org'], 'Hi')));
    expect(forbidden.code).toBe('FORBIDDEN');
    expect(forbidden.message).toBe("You can't send from someone@elsewhere.example: it isn't one of your addresses.");
    expect((await trpcError(api.outbound.send({ ...built(user.account.address, ['pat@example.org'], 'Hi'), recipients: [] }))).code).toBe('BAD_REQUEST');
    expect((await trpcError(api.outbound.send(built(user.account.address, ['a@b.example'], 'Hi', 'tomorrow')))).code).toBe('BAD_REQUEST');
    expect((await trpcError(api.outbound.cancel({ id: crypto.randomUUID() }))).code).toBe('NOT_FOUND');
    expect((await trpcError(api.outbound.deadLetters({}))).code).toBe('FORBIDDEN');
    expect((await trpcError(api.outbound.setLimits({ username: user.username, perHour: 1000, perDay: 1000 }))).code).toBe('FORBIDDEN');
    expect((await trpcError(api.outbound.instanceDkimRecord())).code).toBe('FORBIDDEN');
  });

  it('lets an admin set limits, which then refuse with TOO_MANY_REQUESTS', async () => {
    const limited = await createTestUser(isolated.db());
    const api = callerFor(admin);
    expect(await api.outbound.setLimits({ username: limited.username, perHour: 1, perDay: null })).toEqual({
      username: limited.username,
      perHour: 1,
      perDay: 500,
      custom: true,
    });
    await callerFor(limited).outbound.send(built(limited.account.address, ['q@example.org'], 'One', later()));
    const refused = await trpcError(callerFor(limited).outbound.send(built(limited.account.address, ['r@example.org'], 'Two', later())));
    expect(refused.code).toBe('TOO_MANY_REQUESTS');
    expect(refused.message).toMatch(/^You've reached your limit of 1 messages per hour\. Try again at \d\d:\d\d UTC\.$/);
  });

  it('shows admins the dead letters and the instance DKIM record', async () => {
    const api = callerFor(admin);
    expect(await api.outbound.deadLetters({})).toEqual([]);
    expect((await trpcError(api.outbound.retryDeadLetter({ id: crypto.randomUUID() }))).code).toBe('NOT_FOUND');
    const record = await api.outbound.instanceDkimRecord();
    expect(record).toMatchObject({ host: 'sealpost._domainkey.localhost', type: 'TXT' });
    expect(record.value).toMatch(/^v=DKIM1; k=rsa; p=[A-Za-z0-9+/]+=*$/);
  });
});
