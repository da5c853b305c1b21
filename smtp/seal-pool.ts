import { Worker } from 'node:worker_threads';
import type { SealInput, SealOutcome, Sealer } from '../server/mail/seal';
import { sealMessage } from '../server/mail/seal';

/**
 * Summary parsing and encryption of large messages, off the SMTP event loop: a small pool of
 * worker threads (node:worker_threads), started on first use. A message up to `inlineMaxBytes`
 * is sealed on the main thread, where it costs a few milliseconds and no copy; a larger one goes to
 * a thread, so neither its size nor a hostile MIME structure delays the replies of other sessions.
 * mailauth stays on the main thread: it needs the injected DNS resolver, and the header section it
 * parses is bounded before it gets there (smtp/data-collector.ts).
 *
 * A job that runs longer than `jobTimeoutMs` has its thread terminated and replaced; the sender
 * was told 451 long before (the transaction deadline), so this only frees the thread.
 */
export interface SealPoolOptions {
  threads: number;
  inlineMaxBytes: number;
  jobTimeoutMs?: number;
}

export interface SealPool {
  seal: Sealer;
  /** Jobs that ran in a thread so far (tests and the benchmark read it). */
  readonly offThreadJobs: number;
  close(): Promise<void>;
}

interface Job {
  id: number;
  input: SealInput;
  resolve: (outcome: SealOutcome) => void;
}

interface Slot {
  worker: Worker;
  job?: Job;
  timer?: NodeJS.Timeout;
}

const ENTRY = new URL('./seal-worker-entry.mjs', import.meta.url);

export function createSealPool(options: SealPoolOptions): SealPool {
  const jobTimeoutMs = options.jobTimeoutMs ?? 60_000;
  const slots: Slot[] = [];
  const queue: Job[] = [];
  let nextId = 1;
  let offThreadJobs = 0;
  let closed = false;

  const failed = (errorName: string): SealOutcome => ({ status: 'encryption-failed', errorName });

  function start(): Slot {
    const slot: Slot = { worker: new Worker(ENTRY) };
    // Idle threads must not keep a stopping process alive.
    slot.worker.unref();
    slot.worker.on('message', (message: { id?: number; outcome?: SealOutcome }) => {
      if (message.id === undefined || slot.job?.id !== message.id) return;
      finish(slot, message.outcome!);
    });
    slot.worker.on('error', () => replace(slot, 'SealWorkerError'));
    slot.worker.on('exit', () => replace(slot, 'SealWorkerExit'));
    slots.push(slot);
    return slot;
  }

  function finish(slot: Slot, outcome: SealOutcome): void {
    clearTimeout(slot.timer);
    const job = slot.job;
    slot.job = undefined;
    slot.worker.unref();
    job?.resolve(outcome);
    dispatch();
  }

  /** A thread that died or hung: its job fails closed, and a fresh thread takes its place. */
  function replace(slot: Slot, reason: string): void {
    const index = slots.indexOf(slot);
    if (index === -1) return;
    slots.splice(index, 1);
    clearTimeout(slot.timer);
    slot.worker.removeAllListeners('exit');
    void slot.worker.terminate();
    slot.job?.resolve(failed(reason));
    slot.job = undefined;
    dispatch();
  }

  function dispatch(): void {
    while (queue.length > 0 && !closed) {
      const slot = slots.find((s) => !s.job) ?? (slots.length < options.threads ? start() : undefined);
      if (!slot) return;
      const job = queue.shift()!;
      slot.job = job;
      slot.worker.ref(); // a job in flight keeps the process up until it answers
      slot.timer = setTimeout(() => replace(slot, 'SealTimeout'), jobTimeoutMs);
      offThreadJobs++;
      slot.worker.postMessage({ id: job.id, input: job.input });
    }
  }

  return {
    seal(input) {
      if (input.raw.length <= options.inlineMaxBytes || options.threads === 0) return sealMessage(input);
      if (closed) return Promise.resolve(failed('SealPoolClosed'));
      return new Promise((resolve) => {
        queue.push({ id: nextId++, input, resolve });
        dispatch();
      });
    },
    get offThreadJobs() {
      return offThreadJobs;
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0)) job.resolve(failed('SealPoolClosed'));
      await Promise.all(
        slots.splice(0).map((slot) => {
          clearTimeout(slot.timer);
          slot.worker.removeAllListeners('exit');
          slot.job?.resolve(failed('SealPoolClosed'));
          return slot.worker.terminate();
        }),
      );
    },
  };
}
