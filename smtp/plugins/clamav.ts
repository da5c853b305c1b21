import net from 'node:net';
import type { InboundPlugin } from './plugin';

/**
 * ClamAV over clamd's INSTREAM command (a Unix socket or TCP): the raw message goes in chunks, and
 * clamd, which reads MIME itself, answers `stream: OK` or `stream: <signature> FOUND`. An infected
 * message gets 554 5.7.1 naming the signature. Anything else (clamd down, an ERROR such as its
 * stream size limit, a connection closed early) is a failure: the runner applies the policy.
 */
export type ClamdAddress = { path: string } | { host: string; port: number };

const CHUNK_BYTES = 64 * 1024;
const MAX_ANSWER_BYTES = 4096;

export function clamavPlugin(options: { address: ClamdAddress }): InboundPlugin {
  return {
    name: 'clamav',
    async data(message, signal) {
      const answer = await instream(options.address, message.raw, signal);
      if (answer === 'stream: OK') return { kind: 'accept' };
      const found = /^stream: (.{1,200}) FOUND$/.exec(answer);
      if (found) {
        // The name comes from the signature database; keep it to what a reply line may carry.
        const name = found[1]!.replace(/[^\x21-\x7e]/g, '_');
        return { kind: 'reject', code: 554, text: `5.7.1 Message contains a virus: ${name}` };
      }
      throw Object.assign(new Error('clamd answered an error'), { code: 'CLAMD_ERROR' });
    },
  };
}

/** clamd's answer to INSTREAM, without its terminating NUL. */
export function instream(address: ClamdAddress, data: Uint8Array, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = 'path' in address ? net.connect({ path: address.path }) : net.connect({ host: address.host, port: address.port });
    const chunks: Buffer[] = [];
    let size = 0;
    const fail = (err: Error) => {
      socket.destroy();
      reject(err);
    };
    const onAbort = () => fail(Object.assign(new Error('clamd took too long'), { code: 'ETIMEDOUT' }));
    signal.addEventListener('abort', onAbort, { once: true });
    socket.on('error', (err) => fail(err));
    socket.on('connect', () => {
      socket.write('zINSTREAM\0');
      for (let offset = 0; offset < data.length; offset += CHUNK_BYTES) {
        const chunk = data.subarray(offset, Math.min(offset + CHUNK_BYTES, data.length));
        const length = Buffer.alloc(4);
        length.writeUInt32BE(chunk.length);
        socket.write(length);
        socket.write(chunk);
      }
      socket.write(Buffer.alloc(4));
    });
    socket.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_ANSWER_BYTES) return fail(Object.assign(new Error('clamd answer too long'), { code: 'CLAMD_ANSWER' }));
      chunks.push(chunk);
      const answer = Buffer.concat(chunks);
      const end = answer.indexOf(0);
      if (end !== -1) {
        signal.removeEventListener('abort', onAbort);
        socket.end();
        resolve(answer.subarray(0, end).toString('utf8').trim());
      }
    });
    socket.on('close', () => {
      signal.removeEventListener('abort', onAbort);
      reject(Object.assign(new Error('clamd closed the connection'), { code: 'CLAMD_CLOSED' }));
    });
  });
}
