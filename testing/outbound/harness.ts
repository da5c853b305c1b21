import type PgBoss from 'pg-boss';
import pino from 'pino';
import type { Db } from '../../db/client';
import { type WorkerPresence, openWorkerPresence } from '../../db/repositories/worker-presence.repository';
import type { Clock } from '../../server/clock';
import { outboundQueue, startBoss } from '../../server/jobs/boss';
import { registerOutboundJobs } from '../../server/jobs/outbound-deliver.job';
import { createDnsResolver } from '../../server/mail/dns';
import { type LoopbackDns, type LoopbackZone, startLoopbackDns } from '../loopback-dns';
import type { Deliverer } from '../../server/delivery/deliverer';
import type { OutboundQueue } from '../../server/delivery/queue';
import { SmtpPools } from '../../server/delivery/smtp-client';
import { env } from '../../server/env';
import { createPlatformComposer } from '../../server/platform/compose-at-delivery';
import { settingsFrom } from '../../server/settings';
import { type SinkScript, type SmtpSink, startSmtpSink } from './smtp-sink';

/** A clock the test moves by hand; the deliverer's time checks read it. */
export interface ManualClock extends Clock {
  set(date: Date): void;
  advance(ms: number): void;
}

export function manualClock(start = new Date()): ManualClock {
  let now = start.getTime();
  return { now: () => new Date(now), set: (d) => void (now = d.getTime()), advance: (ms) => void (now += ms) };
}

export interface OutboundHarness {
  zone: LoopbackZone;
  dns: LoopbackDns;
  sink: SmtpSink;
  clock: ManualClock;
  boss: PgBoss;
  queue: OutboundQueue;
  deliverer: Deliverer;
  presence: WorkerPresence;
  close(): Promise<void>;
}

/** The name every test recipient domain's MX points at; it resolves to 127.0.0.1. */
export const SINK_HOST = 'mx.sink.test';

/** Publishes `domain` with an MX record that leads to the sink. */
export function routeToSink(zone: LoopbackZone, domain: string) {
  zone[domain] = { ...zone[domain], MX: [{ exchange: SINK_HOST, priority: 10 }] };
}

/**
 * The worker side of outbound mail in-process: real pg-boss on the given database, the real
 * deliverer and SMTP pools, a DNS server on loopback and an SMTP sink at OUTBOUND_SMTP_PORT.
 */
export async function startOutboundHarness(db: Db, url: string, options: { script?: SinkScript; clock?: ManualClock } = {}): Promise<OutboundHarness> {
  const zone: LoopbackZone = { [SINK_HOST]: { A: ['127.0.0.1'] } };
  const dns = await startLoopbackDns(zone);
  const sink = await startSmtpSink(options.script);
  const clock = options.clock ?? manualClock();
  const boss = await startBoss(url, 'worker');
  const presence = await openWorkerPresence(url, () => undefined);
  const pools = new SmtpPools({ heloName: 'out.sealpost.test' });
  const queue = outboundQueue(boss);
  const deliverer = await registerOutboundJobs(
    boss,
    {
      db,
      clock,
      resolve: createDnsResolver([dns.address], { timeoutMs: 1000 }),
      log: pino({ level: 'silent' }),
      pools,
      workerId: presence.id,
      queue,
      materialize: createPlatformComposer({ db, mailDomain: settingsFrom(env()).mailDomain, maxMessageBytes: settingsFrom(env()).maxMessageBytes }),
      config: { port: sink.port, reportingMta: 'out.sealpost.test', mailDomain: 'localhost', retentionHours: 72 },
    },
    { concurrency: 4, schedules: false },
  );
  return {
    zone,
    dns,
    sink,
    clock,
    boss,
    queue,
    deliverer,
    presence,
    async close() {
      await boss.stop({ graceful: false, close: true, wait: true });
      pools.close();
      await presence.close();
      await sink.close();
      await dns.close();
    },
  };
}
