import type { EmbeddedCluster } from '../db/embedded';
import { backoffDelay } from '../server/backoff';
import type { Logger } from '../server/logger';

/**
 * The embedded PostgreSQL is one more child of `npm start`: when its postmaster exits (a crash, an
 * operator's or the OOM killer's signal), start it again on the same port, with the same capped
 * backoff as the roles, until it runs. The roles wait for it meanwhile (451 and 503, no exits).
 */
export function keepClusterRunning(
  cluster: EmbeddedCluster,
  log: Logger,
  options: { isStopping: () => boolean; firstDelayMs?: number; maxDelayMs?: number },
): void {
  const firstMs = options.firstDelayMs ?? 500;
  const maxMs = options.maxDelayMs ?? 30_000;
  let restarting = false;

  cluster.onUnexpectedExit((code, signal) => {
    if (options.isStopping() || restarting) return;
    log.error({ code, signal }, 'embedded PostgreSQL exited; restarting it');
    restarting = true;
    void restart(0);
  });

  async function restart(failures: number): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, backoffDelay(failures, firstMs, maxMs)));
    if (options.isStopping()) return;
    try {
      await cluster.restart();
      restarting = false;
      log.info({ attempts: failures + 1 }, 'embedded PostgreSQL restarted');
    } catch (err) {
      log.error({ err: err instanceof Error ? err.message : String(err), failures: failures + 1 }, 'embedded PostgreSQL did not restart; trying again');
      return restart(failures + 1);
    }
  }
}
