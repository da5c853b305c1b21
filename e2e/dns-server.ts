import { readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { type LoopbackZone, startLoopbackDns } from '../testing/loopback-dns';

/**
 * The e2e DNS server: `node --import tsx e2e/dns-server.ts`, started by playwright.config.ts before
 * Sealpost, whose worker and smtp roles resolve through it (DNS_SERVERS). It answers UDP on
 * 127.0.0.1:E2E_DNS_PORT from the JSON zone files (`*.json`) in the folder E2E_DNS_ZONE_DIR, all
 * read on every question, so a test "publishes" a record by rewriting a file there. Each Playwright
 * worker writes a file of its own (e2e/domain-helpers.ts), so workers running at the same time
 * never overwrite each other's records. A TCP listener on the same port number only tells
 * Playwright the server is up (its `port:` readiness check connects over TCP).
 */
const port = Number(process.env.E2E_DNS_PORT ?? 5399);
const zoneDir = process.env.E2E_DNS_ZONE_DIR;
if (!zoneDir) {
  console.error('E2E_DNS_ZONE_DIR is not set: it names the folder of JSON zone files tests write.');
  process.exit(2);
}

const lastGood = new Map<string, LoopbackZone>();

/** Tests replace their file atomically (write, then rename); a zone that doesn't parse is a test bug. */
function readZone(): LoopbackZone {
  let files: string[];
  try {
    files = readdirSync(zoneDir!).filter((name) => name.endsWith('.json'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {}; // nothing published yet
    throw err;
  }
  const zone: LoopbackZone = {};
  for (const name of files.sort()) {
    try {
      lastGood.set(name, JSON.parse(readFileSync(path.join(zoneDir!, name), 'utf8')) as LoopbackZone);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // gone between readdir and read
      // Answering from the last good zone keeps the server up; the message says what went wrong.
      console.error(`e2e DNS: cannot read ${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
    Object.assign(zone, lastGood.get(name));
  }
  return zone;
}

const dns = await startLoopbackDns(readZone, port);
const ready = net.createServer((socket) => socket.end());
await new Promise<void>((resolve, reject) => ready.once('error', reject).listen(port, '127.0.0.1', resolve));
console.error(`e2e DNS on udp://${dns.address}, zones in ${zoneDir}`);

const stop = async () => {
  ready.close();
  await dns.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
