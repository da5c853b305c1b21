import { TRPCError, initTRPC } from '@trpc/server';
import { ZodError } from 'zod';
import type { Db } from '../../db/client';
import { type CurrentSession, getCurrentSession } from '../auth/session';
import { clientIp } from '../auth/request-info';
import { type Clock, systemClock } from '../clock';
import { getDb } from '../db';
import { AppError, errorTable } from '../errors';
import { logger } from '../logger';

export interface Context {
  db: Db;
  clock: Clock;
  session: CurrentSession | null;
  ip: string | null;
  userAgent: string | null;
}

export async function createContext(req: Request): Promise<Context> {
  return {
    db: getDb(),
    clock: systemClock,
    session: await getCurrentSession(),
    ip: clientIp(req.headers),
    userAgent: req.headers.get('user-agent'),
  };
}

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    return {
      ...shape,
      data: {
        ...shape.data,
        stack: undefined,
        appCode: cause instanceof AppError ? cause.code : undefined,
        details: cause instanceof AppError ? cause.details : undefined,
        fieldErrors: cause instanceof ZodError ? cause.flatten().fieldErrors : undefined,
      },
    };
  },
});

/** Maps AppError to the tRPC code from the one table; anything else is an internal error, logged. */
const errorMapping = t.middleware(async ({ next, path }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof AppError) {
      result.error = new TRPCError({ code: errorTable[cause.code].trpc, message: cause.message, cause });
    } else if (result.error.code === 'INTERNAL_SERVER_ERROR') {
      logger.error({ path, err: result.error.cause?.message ?? result.error.message }, 'procedure failed');
      result.error = new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'Something went wrong on the server. Try again.' });
    }
  }
  return result;
});

export const router = t.router;
export const publicProcedure = t.procedure.use(errorMapping);

export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.session) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Your session has ended. Sign in again.' });
  return next({ ctx: { ...ctx, session: ctx.session } });
});
