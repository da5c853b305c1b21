import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it, inject } from 'vitest';
import { useTestDb } from '../../testing/db';
import { notifyNewMail } from '../../db/repositories/notification.repository';
import { createMailEventStream } from './mail-events';
import { type NewMailEvent, NewMailListener } from './new-mail-listener';

const db = useTestDb();
let current: pg.Client | undefined;
const listener = new NewMailListener(() => (current = new pg.Client({ connectionString: inject('databaseUrl') })));
afterAll(() => listener.close());

/** Collects a subscriber's events; `next()` resolves with the next one (or one already waiting). */
function recorder(userId: string) {
  const queue: NewMailEvent[] = [];
  let wake: (() => void) | null = null;
  const unsubscribe = listener.subscribe(userId, (event) => {
    queue.push(event);
    wake?.();
  });
  return {
    userId,
    unsubscribe,
    queue,
    async next(): Promise<NewMailEvent> {
      while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      return queue.shift()!;
    },
  };
}

const decoder = new TextDecoder();
async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, pattern: RegExp): Promise<string> {
  let text = '';
  while (!pattern.test(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`stream ended before ${pattern}; got ${JSON.stringify(text)}`);
    text += decoder.decode(value);
  }
  return text;
}

describe('new-mail listener', () => {
  it("wakes only the notified user's subscribers, and stops after unsubscribe", async () => {
    const alice = recorder(randomUUID());
    const bob = recorder(randomUUID());
    await listener.ready();
    await notifyNewMail(db, [randomUUID()]);
    await notifyNewMail(db, [alice.userId]);
    expect(await alice.next()).toBe('new-mail');
    expect(bob.queue).toEqual([]);

    alice.unsubscribe();
    await notifyNewMail(db, [alice.userId, bob.userId]);
    expect(await bob.next()).toBe('new-mail');
    expect(alice.queue).toEqual([]);
    bob.unsubscribe();
  });

  it('reconnects after its connection is killed and tells subscribers to resync', async () => {
    const userId = randomUUID();
    const carol = recorder(userId);
    await listener.ready();
    const pid = (current as unknown as { processID: number }).processID;
    const killed = await sql<{ ok: boolean }>`SELECT pg_terminate_backend(${pid}::int) AS ok`.execute(db);
    expect(killed.rows[0]?.ok).toBe(true);
    expect(await carol.next()).toBe('resync');
    await notifyNewMail(db, [userId]);
    expect(await carol.next()).toBe('new-mail');
    carol.unsubscribe();
  });
});

describe('mail event stream', () => {
  it('sends retry, events and heartbeats, and unsubscribes when the request is aborted', async () => {
    const userId = randomUUID();
    const abort = new AbortController();
    const before = listener.subscriberCount();
    const stream = createMailEventStream({
      userId,
      subscribe: (id, handler) => listener.subscribe(id, handler),
      signal: abort.signal,
      heartbeatMs: 50,
    });
    const reader = stream.getReader();
    expect(await readUntil(reader, /: connected\n\n/)).toMatch(/^retry: \d+\n/);
    expect(listener.subscriberCount()).toBe(before + 1);

    await listener.ready();
    await notifyNewMail(db, [userId]);
    expect(await readUntil(reader, /event: new-mail\ndata: \{\}\n\n/)).toBeTruthy();
    expect(await readUntil(reader, /: heartbeat\n\n/)).toBeTruthy();

    abort.abort();
    // Drain what was queued before the abort; then the stream must end.
    for (;;) if ((await reader.read()).done) break;
    expect(listener.subscriberCount()).toBe(before);
  });

  it('ends itself after its lifetime, so the client reconnects and is authenticated again', async () => {
    const stream = createMailEventStream({
      userId: randomUUID(),
      subscribe: (id, handler) => listener.subscribe(id, handler),
      signal: new AbortController().signal,
      maxLifetimeMs: 30,
    });
    const reader = stream.getReader();
    let done = false;
    while (!done) done = (await reader.read()).done;
    expect(done).toBe(true);
  });
});
