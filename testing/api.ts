import { TRPCError } from '@trpc/server';
import { expect } from 'vitest';
import type { Db } from '../db/client';
import { appRouter } from '../server/api/root';
import type { Context } from '../server/api/trpc';
import { type Clock, systemClock } from '../server/clock';
import { env } from '../server/env';
import { settingsFrom } from '../server/settings';
import type { TestUser } from './factories';

/**
 * tRPC callers over the real router, signed in as a test user (or signed out with null). `db` may
 * be a function, for a database a file only has once its beforeAll ran (useIsolatedDb()).
 */
export function trpcCallers(db: Db | (() => Db), clock: Clock = systemClock) {
  return (user: TestUser | null) => {
    const ctx: Context = {
      db: typeof db === 'function' ? db() : db,
      clock,
      settings: settingsFrom(env()),
      session: user ? { sessionId: crypto.randomUUID(), account: user.account, clientKey: new Uint8Array(32) } : null,
      sid: null,
      ip: null,
      userAgent: null,
    };
    return appRouter.createCaller(ctx);
  };
}

/** The tRPC error a call rejects with; fails the test if it resolves or throws anything else. */
export async function trpcError(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => null,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

export const trpcCode = async (promise: Promise<unknown>) => (await trpcError(promise)).code;
