import { performance } from 'node:perf_hooks';
import { RawSmtpClient } from '../testing/smtp-raw-client';

/**
 * The benchmark's load generator: C connections on raw sockets share N messages. Each message is
 * MAIL/RCPT/DATA pipelined (PIPELINING is advertised), then the body; latency is measured from the
 * write of the final dot to the reply, which is what a sending MTA waits on.
 */
export interface LoadResult {
  sent: number;
  accepted: number;
  refused: Record<string, number>;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
}

export function makeMessage(bytes: number, index: number, to: string): Buffer {
  const head = [
    'From: Bench Sender <bench@sender.example>',
    `To: <${to}>`,
    `Subject: Benchmark message ${index}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <bench-${index}-${Date.now()}@sender.example>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    '',
  ].join('\r\n');
  const line = 'The quick brown fox jumps over the lazy dog, again and again and again!!!!\r\n';
  const body = line.repeat(Math.max(1, Math.ceil((bytes - head.length) / line.length)));
  return Buffer.from(head + body).subarray(0, Math.max(bytes, head.length + line.length));
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function runLoad(options: { port: number; messages: number; concurrency: number; bytes: number; to: string }): Promise<LoadResult> {
  // Prepared before the clock starts: the generator should cost as little CPU as possible.
  const payloads = Array.from({ length: options.messages }, (_, i) => {
    const message = makeMessage(options.bytes, i, options.to);
    // A well-formed message ends in CRLF; no line starts with a dot, so no stuffing is needed.
    return Buffer.concat([message.subarray(0, message.lastIndexOf('\r\n') + 2), Buffer.from('.\r\n')]);
  });
  const envelope = `MAIL FROM:<bench@sender.example>\r\nRCPT TO:<${options.to}>\r\nDATA\r\n`;
  const latencies: number[] = [];
  const refused: Record<string, number> = {};
  let next = 0;
  let accepted = 0;

  const refuse = (text: string) => {
    const key = text.slice(0, 9);
    refused[key] = (refused[key] ?? 0) + 1;
  };

  const worker = async () => {
    if (next >= payloads.length) return;
    const { client, greeting } = await RawSmtpClient.connect(options.port);
    if (greeting.code !== 220) return refuse(greeting.text);
    await client.command('EHLO load.sender.example');
    while (next < payloads.length) {
      const payload = payloads[next++]!;
      client.write(envelope);
      const [mail, rcpt, data] = [await client.read(), await client.read(), await client.read()];
      if (mail.code !== 250 || rcpt.code !== 250 || data.code !== 354) {
        refuse(data.code === 354 ? rcpt.text : data.text);
        if (data.code === 354) {
          client.write('.\r\n');
          await client.read();
        }
        continue;
      }
      const started = performance.now();
      client.write(payload);
      const reply = await client.read();
      latencies.push(performance.now() - started);
      if (reply.code === 250) accepted += 1;
      else refuse(reply.text);
    }
    client.write('QUIT\r\n');
    client.close();
  };

  const started = performance.now();
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    sent: payloads.length,
    accepted,
    refused,
    seconds,
    perSecond: accepted / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? 0,
  };
}
