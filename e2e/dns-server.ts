import { readFileSync } from 'node:fs';
import net from 'node:net';
import { type LoopbackZone, startLoopbackDns } from '../testing/loopback-dns';

/**
 * The e2e DNS server: `node --import tsx e2e/dns-server.ts`, started by playwright.config.ts before
 * Sealpost, whose worker and smtp roles resolve through it (DNS_SERVERS). It answers UDP on
 * 127.0.0.1:E2E_DNS_PORT from the JSON zone in E2E_DNS_ZONE_FILE, read on every question, so a
 * test "publishes" a record by rewriting that file. A TCP listener on the same port number only
 * tells Playwright the server is up (its `port:` readiness check connects over TCP).
 */
const port = Number(process.env.E2E_DNS_PORT ?? 5399);
const zoneFile = process.env.E2E_DNS_ZONE_FILE;
if (!zoneFile) {
  console.error('E2E_DNS_ZONE_FILE is not set: it names the JSON zone file tests write.');
  process.exit(2);
}

let lastGood: LoopbackZone = {};

/** Tests replace the file atomically (write, then rename); a zone that doesn't parse is a test bug. */
function readZone(): LoopbackZone {
  try {
    lastGood = JSON.parse(readFileSync(zoneFile!, 'utf8')) as LoopbackZone;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {}; // nothing published yet
    // Answering from the last good zone keeps the server up; the message says what went wrong.
    console.error(`e2e DNS: cannot read ${zoneFile}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return lastGood;
}

const dns = await startLoopbackDns(readZone, port);
const ready = net.createServer((socket) => socket.end());
await new Promise<void>((resolve, reject) => ready.once('error', reject).listen(port, '127.0.0.1', resolve));
console.error(`e2e DNS on udp://${dns.address}, zone ${zoneFile}`);

const stop = async () => {
  ready.close();
  await dns.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
