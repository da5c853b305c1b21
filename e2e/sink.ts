import { randomInt } from 'node:crypto';
import { E2E } from '../playwright.config';
import { type SmtpSink, startSmtpSink } from '../testing/outbound/smtp-sink';
import { setZoneEntry } from './domain-helpers';
import { uniqueName } from './helpers';

/**
 * Outbound mail goes to E2E.sinkPort of whatever address the MX of its domain resolves to. Each
 * sink listens on that port at an address of its own in 127.0.0.0/8, so specs running at the same
 * time in other workers each have theirs; `domainFor` publishes a domain whose MX leads here.
 */
export interface E2eSink extends SmtpSink {
  /** The loopback address this sink listens on. */
  host: string;
  /** A new domain elsewhere (`<prefix><random>.example`) whose MX is this sink. */
  domainFor(prefix: string): string;
}

export async function startE2eSink(): Promise<E2eSink> {
  for (let attempt = 1; ; attempt++) {
    const host = `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
    try {
      // Sealpost's delivery keeps an idle connection open in its pool: don't wait 30 s for it at close.
      const sink = await startSmtpSink({}, { port: E2E.sinkPort, host, closeTimeoutMs: 500 });
      const domainFor = (prefix: string) => {
        const domain = `${uniqueName(prefix)}.example`;
        setZoneEntry(domain, { MX: [{ exchange: `mx.${domain}`, priority: 10 }] });
        setZoneEntry(`mx.${domain}`, { A: [host] });
        return domain;
      };
      return Object.assign(sink, { host, domainFor });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 5) throw err;
    }
  }
}
