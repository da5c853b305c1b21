import 'server-only';
import type { SqlExecutor } from '../../db/pg-boss-executor';

/**
 * The outbound queue's contract between the side that accepts mail for delivery (server/send) and
 * the side that delivers it (this folder): the message row holds the MIME sealed at rest under
 * OUTBOUND_SEAL_PURPOSE, and a job wakes a worker for it.
 */

/** Purpose of the server key that seals queued messages (see sealBytesAtRest). */
export const OUTBOUND_SEAL_PURPOSE = 'outbound-mime';

/** Wakes a worker for a message. The worker's pg-boss queue in production. */
export interface OutboundQueue {
  /** `tx` puts the job in the caller's transaction, so the row and its job commit together. */
  enqueueDelivery(outboundId: string, delaySeconds: number, tx?: SqlExecutor): Promise<void>;
}
