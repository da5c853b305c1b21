import { expect } from 'vitest';
import type { Db } from '../../db/client';
import { findOutbound } from '../../db/repositories/outbound.repository';

/** Waits until the outbound row says `status` (the worker commits it after the SMTP reply). */
export async function untilStatus(db: Db, id: string, status: string) {
  await expect.poll(async () => (await findOutbound(db, id))!.status, { timeout: 20_000, interval: 50 }).toBe(status);
}
