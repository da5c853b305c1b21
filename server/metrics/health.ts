import 'server-only';
import type { Db } from '../../db/client';
import { databaseAnswers } from '../../db/repositories/metrics.repository';

/** The smtp and worker roles' /api/health (on the metrics port): the database answers within 2 s. */
export function databaseHealthy(db: Db): Promise<boolean> {
  return databaseAnswers(db, 2_000);
}
