import 'server-only';

/**
 * Grouping of concurrent requests into shared statements (group commit, the RCPT lookups, the web
 * role's session checks and list pages): a request that arrives while `concurrency` statements are
 * in flight waits for one of them to end and then goes with every other waiting request, as one
 * statement. Under light load a request goes
 * at once, alone; under load one statement serves many. Each request gets its own answer, and a
 * statement that fails fails every request in it.
 */
export function groupedStatements<Request, Answer>(options: {
  concurrency: number;
  /** How many of the waiting requests the next statement takes (at least one). */
  take: (waiting: Request[]) => number;
  /** One statement for the batch: an answer per request, in order. */
  run: (batch: Request[]) => Promise<Answer[]>;
}): (request: Request) => Promise<Answer> {
  const queue: { request: Request; resolve: (answer: Answer) => void; reject: (err: unknown) => void }[] = [];
  let inFlight = 0;

  function pump(): void {
    while (inFlight < options.concurrency && queue.length > 0) {
      const batch = queue.splice(0, Math.max(1, options.take(queue.map((w) => w.request))));
      inFlight++;
      options
        .run(batch.map((w) => w.request))
        .then(
          (answers) => {
            for (const [i, waiting] of batch.entries()) waiting.resolve(answers[i]!);
          },
          (err: unknown) => {
            for (const waiting of batch) waiting.reject(err);
          },
        )
        .finally(() => {
          inFlight--;
          pump();
        });
    }
  }

  return (request) =>
    new Promise((resolve, reject) => {
      queue.push({ request, resolve, reject });
      pump();
    });
}

/**
 * groupedStatements per database pool (the web role has one; tests open several): `make` builds the
 * grouping for a pool the first time a request for it arrives.
 */
export function groupedStatementsPerPool<Pool extends object, Request, Answer>(
  make: (pool: Pool) => Parameters<typeof groupedStatements<Request, Answer>>[0],
): (pool: Pool, request: Request) => Promise<Answer> {
  const groups = new WeakMap<Pool, (request: Request) => Promise<Answer>>();
  return (pool, request) => {
    let group = groups.get(pool);
    if (!group) {
      group = groupedStatements(make(pool));
      groups.set(pool, group);
    }
    return group(request);
  };
}
