import cluster from 'node:cluster';
import { SMTPServer } from 'smtp-server';

/**
 * The benchmark's baseline: a bare smtp-server that reads each message and answers 250, nothing
 * else. Same listener options as the sidecar where they cost something (no reverse DNS, SIZE,
 * enhanced codes), same number of processes. `tsx bench/sink.ts PORT WORKERS`
 */
const port = Number(process.argv[2]);
const workers = Number(process.argv[3] ?? 1);

if (cluster.isPrimary && workers > 1) {
  let listening = 0;
  for (let i = 0; i < workers; i++) {
    cluster.fork().on('message', () => {
      if (++listening === workers) console.log('sink listening');
    });
  }
  process.on('SIGTERM', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    process.exit(0);
  });
} else {
  const server = new SMTPServer({
    logger: false,
    disableReverseLookup: true,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    hideENHANCEDSTATUSCODES: false,
    size: 25 * 1024 * 1024,
    maxClients: 10_000,
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => callback(null, 'Ok: queued'));
    },
  });
  server.listen(port, '127.0.0.1', () => {
    if (cluster.isWorker) process.send?.('listening');
    else console.log('sink listening');
  });
  process.on('SIGTERM', () => process.exit(0));
}
