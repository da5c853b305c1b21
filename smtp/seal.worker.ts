import { parentPort } from 'node:worker_threads';
import { type SealInput, sealMessage } from '../server/mail/seal';

/**
 * A seal worker thread: runs sealMessage for one job at a time, off the SMTP event loop. Every
 * job gets exactly one answer; an exception becomes an encryption failure that names no content.
 */
parentPort!.on('message', (job: { id: number; input: SealInput }) => {
  sealMessage(job.input).then(
    // Copied, not transferred: a ciphertext may be a view into a buffer that something else shares.
    (outcome) => parentPort!.postMessage({ id: job.id, outcome }),
    (err: unknown) => {
      parentPort!.postMessage({ id: job.id, outcome: { status: 'encryption-failed', errorName: err instanceof Error ? err.name : 'Error' } });
    },
  );
});
