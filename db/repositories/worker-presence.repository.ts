import 'server-only';
import { randomUUID } from 'node:crypto';
import pg from 'pg';

/**
 * A worker process's presence in the database: one idle session, named
 * `sealpost-worker:<random id>` (application_name), open for the life of the process. Outbound
 * messages a worker is delivering carry that id (outbound_messages.claimed_by). When the process
 * dies, PostgreSQL ends its session, so "claimed by a worker whose session is gone" tells an
 * abandoned delivery from a slow one without leases, heartbeats or timeouts, and costs nothing
 * per message (see claimOutbound and findStrandedOutbound).
 */
export const WORKER_SESSION_PREFIX = 'sealpost-worker:';

export interface WorkerPresence {
  /** The application_name of this process's session, stored in claimed_by. */
  id: string;
  close(): Promise<void>;
}

/**
 * `onLost` runs once if the session ends while the process lives (database restart, network):
 * other workers may then take over this process's messages, so the caller should stop delivering.
 */
export async function openWorkerPresence(connectionString: string, onLost: (err: Error) => void): Promise<WorkerPresence> {
  const id = `${WORKER_SESSION_PREFIX}${randomUUID()}`;
  const client = new pg.Client({ connectionString, application_name: id });
  let closing = false;
  let lost = false;
  const lose = (err: Error) => {
    if (closing || lost) return;
    lost = true;
    onLost(err);
  };
  client.on('error', lose);
  client.on('end', () => lose(new Error('worker presence session ended')));
  await client.connect();
  return {
    id,
    async close() {
      closing = true;
      await client.end();
    },
  };
}
