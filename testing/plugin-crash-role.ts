import pino from 'pino';
import { createDb } from '../db/client';
import { systemClock } from '../server/clock';
import { createDnsResolver } from '../server/mail/dns';
import { installPluginCrashGuard } from '../smtp/plugins/isolation';
import type { FailurePolicy, InboundPlugin, Verdict } from '../smtp/plugins/plugin';
import { createPluginRunner } from '../smtp/plugins/runner';
import { createInboundServer } from '../smtp/server';

/**
 * An smtp role in its own process whose one plugin crashes asynchronously: each hook call starts a
 * timer and never answers, and the timer throws, or rejects a promise that nobody handles. Without
 * the crash guard the first of them ends this process. Run by smtp/plugins/crash.integration.test.ts
 * (through testing/roles.ts spawnScript) with DATABASE_URL and DNS_SERVERS; it serves two MX ports:
 *
 * - `pass`: the plugin crashes in every hook (connect, MAIL, RCPT, end of DATA) under `pass`;
 * - `tempfail`: it crashes at end of DATA only, under `tempfail`.
 *
 * It logs `{"msg":"crash role listening","pass":<port>,"tempfail":<port>}`.
 */
const logger = pino({ level: 'info' });
installPluginCrashGuard(logger);

let calls = 0;
const crashLater = (): Promise<Verdict> =>
  new Promise<Verdict>(() => {
    const n = calls++;
    setTimeout(() => {
      if (n % 2 === 0) throw new TypeError('plugin timer threw');
      // Its own callback makes a promise that rejects, and nobody handles it.
      void Promise.reject(new RangeError('plugin callback rejected'));
    }, 1);
  });

function crasher(hooks: (keyof InboundPlugin)[]): InboundPlugin {
  return Object.fromEntries([['name', 'crasher'], ...hooks.map((hook) => [hook, crashLater])]) as unknown as InboundPlugin;
}

const db = createDb(process.env.DATABASE_URL!, { max: 4 });
const resolver = createDnsResolver([process.env.DNS_SERVERS!]);
const config = {
  mailDomain: 'localhost',
  hostname: 'mx.sealpost.test',
  maxMessageBytes: 1024 * 1024,
  maxRecipients: 10,
  maxClients: 100,
  maxClientsPerIp: 100,
  sessionTimeoutMs: 60_000,
  closeTimeoutMs: 2_000,
  sealThreads: 0,
};

async function serve(policy: FailurePolicy, hooks: (keyof InboundPlugin)[]): Promise<number> {
  // The timeout is long: a crash must end the hook at once, not after it.
  const plugins = createPluginRunner([{ plugin: crasher(hooks), timeoutMs: 30_000, onFailure: policy }], logger);
  const server = createInboundServer({ db, clock: systemClock, logger, config, resolver, plugins });
  return (await server.listen(0, '127.0.0.1')).port;
}

const [pass, tempfail] = await Promise.all([serve('pass', ['connect', 'mailFrom', 'rcptTo', 'data']), serve('tempfail', ['data'])]);
logger.info({ pass, tempfail }, 'crash role listening');
