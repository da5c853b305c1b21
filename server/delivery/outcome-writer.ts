import type { Db } from '../../db/client';
import { type AttemptFinish, type RecipientOutcome, commitOutcomes } from '../../db/repositories/outbound.repository';
import type { Clock } from '../clock';

/**
 * Group commit for delivery outcomes. Each attempt's outcomes must be committed as soon as they
 * are known (a recipient whose 250 is recorded never gets the message again, even after a crash),
 * but one statement per message costs a round trip per message on both sides. So the writer
 * commits at once when no commit is running, and otherwise gathers whatever arrives meanwhile into
 * the next statement: nothing waits on a timer, and a busy worker commits many attempts at once.
 */
export interface OutcomeWriter {
  /** Resolves once the outcomes (and the end of the attempt, if given) are committed. */
  commit(outcomes: RecipientOutcome[], finish?: AttemptFinish): Promise<void>;
}

interface Pending {
  outcomes: RecipientOutcome[];
  finish?: AttemptFinish;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export function createOutcomeWriter(db: Db, clock: Clock): OutcomeWriter {
  let waiting: Pending[] = [];
  let running = false;

  const write = (batch: Pending[]) =>
    commitOutcomes(
      db,
      batch.flatMap((p) => p.outcomes),
      batch.flatMap((p) => (p.finish ? [p.finish] : [])),
      clock.now(),
    );

  async function drain() {
    running = true;
    while (waiting.length) {
      const batch = waiting;
      waiting = [];
      try {
        await write(batch);
        for (const p of batch) p.resolve();
      } catch (err) {
        if (batch.length === 1) batch[0]!.reject(err);
        // One entry the database refuses must not fail the others with it: each on its own.
        else await Promise.all(batch.map((p) => write([p]).then(p.resolve, p.reject)));
      }
    }
    running = false;
  }

  return {
    commit(outcomes, finish) {
      if (outcomes.length === 0 && !finish) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        waiting.push({ outcomes, finish, resolve, reject });
        if (!running) void drain();
      });
    },
  };
}
