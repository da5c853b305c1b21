import { TRPCError } from '@trpc/server';
import { AppError } from '../errors';
import { trpcErrorResponse } from './error-response';

/**
 * The largest tRPC request body. The biggest legitimate one is compose.scheduleInternal: up to 256 MiB of
 * base64 ciphertext (one copy per recipient mailbox, see MAX_REQUEST_CIPHERTEXT) plus summaries.
 */
export const MAX_REQUEST_BODY_BYTES = 264 * 1024 * 1024;

/**
 * The largest body anyone who isn't signed in may send (tRPC and next-auth alike). The biggest such
 * request is a registration: a public key, two wrapped private keys and a proof of work, about 7 KB.
 */
export const PRE_SIGN_IN_BODY_BYTES = 16 * 1024;

/** Calls in one tRPC batch; the client's batch link sends at most this many. */
export const MAX_BATCH_CALLS = 50;

const tooLargeMessage = (limit: number) =>
  limit >= 1048576
    ? `The request is over ${Math.floor(limit / 1048576)} MB. Send fewer or smaller attachments.`
    : `The request is over ${Math.floor(limit / 1024)} KB, more than anyone may send before signing in.`;

/** A 413 with `message`, in the shape of tRPC's errors. */
export function payloadTooLarge(limit: number): Response {
  return trpcErrorResponse(new AppError('PAYLOAD_TOO_LARGE', tooLargeMessage(limit)));
}

export function tooManyCalls(calls: number): Response {
  return trpcErrorResponse(new AppError('BAD_INPUT', `A batch may hold at most ${MAX_BATCH_CALLS} calls; this one has ${calls}.`));
}

/**
 * Next.js route handlers read bodies without a limit. A body declared too large is refused before it
 * is read; one without a length (chunked) is read through a stream that stops at `limit`.
 * Returns the request to hand on (`rebuild` makes it, for handlers that need a NextRequest), or the
 * 413 to answer.
 */
export function capBody<R extends Request>(
  req: R,
  limit: number,
  rebuild: (body: ReadableStream<Uint8Array>) => R = (body) => new Request(req, { body, duplex: 'half' } as RequestInit) as R,
): R | Response {
  if (Number(req.headers.get('content-length') ?? 0) > limit) return payloadTooLarge(limit);
  if (!req.body) return req;
  let size = 0;
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      size += chunk.byteLength;
      // tRPC answers an error thrown while it reads the body with that error's own code: a 413.
      if (size > limit) controller.error(new TRPCError({ code: 'PAYLOAD_TOO_LARGE', message: tooLargeMessage(limit) }));
      else controller.enqueue(chunk);
    },
  });
  return rebuild(req.body.pipeThrough(counter));
}
