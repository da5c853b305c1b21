import 'server-only';
import { TRPCError, initTRPC } from '@trpc/server';
import { ZodError } from 'zod';
import type { Db } from '../../db/client';
import type { CurrentSession } from '../auth/current-session';
import { type Clock, systemClock } from '../clock';
import { getDb } from '../db';
import { env } from '../env';
import { AppError, errorTable } from '../errors';
import { logger } from '../logger';
import { type Settings, settingsFrom } from '../settings';
import { findInputProblem } from './input-guard';
import { recordProcedure } from '../metrics/web';

export interface Context {
  db: Db;
  clock: Clock;
  settings: Settings;
  session: CurrentSession | null;
  /** The session id the request's cookie names, also while it waits for its second factor (session is null then). */
  sid: string | null;
  ip: string | null;
  userAgent: string | null;
}

/** What the web role's tRPC handler (server/web/trpc-handler.ts) learnt from the request. */
export interface RequestFacts {
  sid: string | null;
  session: CurrentSession | null;
  ip: string | null;
  userAgent: string | null;
}

export function createContext(facts: RequestFacts): Context {
  return { db: getDb(), clock: systemClock, settings: settingsFrom(env()), ...facts };
}

/** A schema's complaint as one line that names the field: `recipients.0.address: Invalid email`. */
function zodMessage(error: ZodError): { field: string; message: string } {
  const issue = error.issues[0];
  const field = issue?.path.length ? issue.path.join('.') : 'input';
  return { field, message: `${field}: ${issue?.message ?? 'invalid value'}` };
}

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    const zod = cause instanceof ZodError ? zodMessage(cause) : undefined;
    return {
      ...shape,
      data: {
        ...shape.data,
        stack: undefined,
        appCode: cause instanceof AppError ? cause.code : undefined,
        details: cause instanceof AppError ? cause.details : undefined,
        field: zod?.field ?? (cause instanceof AppError ? cause.details?.field : undefined),
        fieldErrors: cause instanceof ZodError ? cause.flatten().fieldErrors : undefined,
      },
    };
  },
});

/** Maps AppError to the tRPC code from the one table; anything else is an internal error, logged. */
const errorMapping = t.middleware(async ({ next, path }) => {
  const started = performance.now();
  const result = await next();
  recordProcedure(path, result.ok, (performance.now() - started) / 1000);
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof AppError) {
      result.error = new TRPCError({ code: errorTable[cause.code].trpc, message: cause.message, cause });
    } else if (cause instanceof ZodError && result.error.code === 'BAD_REQUEST') {
      // An input schema's complaint: one line naming the field, instead of the issues as JSON.
      result.error = new TRPCError({ code: 'BAD_REQUEST', message: zodMessage(cause).message, cause });
    } else if (result.error.code === 'INTERNAL_SERVER_ERROR') {
      logger.error({ path, err: result.error.cause?.message ?? result.error.message }, 'procedure failed');
      result.error = new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'Something went wrong on the server. Try again.' });
    }
  }
  return result;
});

/** Every string of every input, checked once before any schema: see input-guard.ts. */
const inputGuard = t.middleware(async ({ next, getRawInput }) => {
  const problem = findInputProblem(await getRawInput());
  if (problem) {
    throw new AppError('BAD_INPUT', `${problem.path} ${problem.message}.`, { field: problem.path });
  }
  return next();
});

export const router = t.router;
export const publicProcedure = t.procedure.use(errorMapping).use(inputGuard);

export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.session) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Your session has ended. Sign in again.' });
  return next({ ctx: { ...ctx, session: ctx.session } });
});

/** Admin console procedures: signed in, and an admin now (the flag is read from the database on every request). */
export const adminProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (!ctx.session.account.isAdmin) throw new TRPCError({ code: 'FORBIDDEN', message: 'Only an administrator can do this.' });
  return next();
});
