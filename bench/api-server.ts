import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock } from '../server/clock';
import { getDb } from '../server/db';
import { env } from '../server/env';
import { platformQueue } from '../server/jobs/platform-queue';
import { startBoss } from '../server/jobs/boss';
import { logger } from '../server/logger';
import { createApiHandler } from '../server/platform/http';
import { settingsFrom } from '../server/settings';
import { configureSecrets } from '../server/secrets';

/**
 * The REST API alone, for bench:api: the handler the web role mounts in front of Next, on PORT, in its own process (so its memory can be watched), with the web role's database pool
 * and pg-boss sender. Prints "api listening <port>".
 */
async function main() {
  const config = env();
  configureSecrets(config.SECRET_KEY);
  const boss = await startBoss(config.DATABASE_URL!, 'sender');
  const handler = createApiHandler({ db: getDb(), clock: systemClock, settings: settingsFrom(config), queue: platformQueue(boss), log: logger });
  const server = http.createServer((req, res) => {
    // The group commit's counts, for the benchmark's messages-per-commit figure.
    if (req.url === '/bench/commits') return void res.end(JSON.stringify(handler.committer.counts));
    void handler(req, res).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(config.PORT, '127.0.0.1', () => console.log(`api listening ${(server.address() as AddressInfo).port}`));
  process.on('SIGTERM', () => {
    server.close();
    server.closeAllConnections();
    void boss.stop({ graceful: false, close: true }).finally(() => process.exit(0));
  });
}

void main();
