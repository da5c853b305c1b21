import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import { type AppError, errorTable } from '../errors';

/**
 * Route handlers answer an AppError with the HTTP status of the one table (server/errors.ts), so no
 * handler picks its own. Anything that isn't an AppError is left to the caller to rethrow.
 */

/** `{ error: { code, message } }` with the code's status. */
export function appErrorResponse(err: AppError, headers?: HeadersInit): Response {
  return Response.json({ error: { code: err.code, message: err.message } }, { status: errorTable[err.code].http, headers });
}

/** The message as one line of text, for handlers whose success is not JSON (a file download). */
export function appErrorText(err: AppError, headers?: HeadersInit): Response {
  return new Response(`${err.message}\n`, { status: errorTable[err.code].http, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers } });
}

/**
 * The error in the shape tRPC itself answers with, for refusals made before tRPC reads the request:
 * one per call when the request is a batch of `calls`.
 */
export function trpcErrorResponse(err: AppError, batchCalls?: number): Response {
  const { trpc, http } = errorTable[err.code];
  const error = { message: err.message, code: TRPC_ERROR_CODES_BY_KEY[trpc], data: { code: trpc, httpStatus: http, appCode: err.code } };
  const body = batchCalls === undefined ? { error } : Array.from({ length: batchCalls }, () => ({ error }));
  return Response.json(body, { status: http });
}
