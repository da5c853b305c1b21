import { TRPCError } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { appRouter } from '@/server/api/root';
import { MAX_REQUEST_BODY_BYTES } from '@/server/api/body-limit';
import { createContext } from '@/server/api/trpc';
import { foreignOriginRefusal } from '@/server/security/origin-guard';

export const dynamic = 'force-dynamic';

const TOO_LARGE = `The request is over ${Math.floor(MAX_REQUEST_BODY_BYTES / 1048576)} MB. Send fewer or smaller attachments.`;
const tooLarge = () => new TRPCError({ code: 'PAYLOAD_TOO_LARGE', message: TOO_LARGE });

/** An error in tRPC's shape, one per call of a batch, without reading the body at all. */
function refuse(req: Request, httpStatus: 403 | 413, message: string): Response {
  const url = new URL(req.url);
  const error = httpStatus === 413
    ? { message, code: -32013, data: { code: 'PAYLOAD_TOO_LARGE', httpStatus } }
    : { message, code: -32003, data: { code: 'FORBIDDEN', httpStatus } };
  const calls = url.pathname.replace(/^\/api\/trpc\/?/, '').split(',').length;
  return Response.json(url.searchParams.get('batch') === '1' ? Array.from({ length: calls }, () => ({ error })) : { error }, { status: httpStatus });
}

/**
 * Next.js route handlers read bodies without a limit. A body declared too large is refused at once;
 * one without a length (chunked) goes through this stream, which stops at MAX_REQUEST_BODY_BYTES the
 * way tRPC's node adapter does with maxBodySize, and tRPC turns its error into a 413.
 */
function capped(req: Request): Request {
  if (!req.body) return req;
  let size = 0;
  const limit = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      size += chunk.byteLength;
      if (size > MAX_REQUEST_BODY_BYTES) controller.error(tooLarge());
      else controller.enqueue(chunk);
    },
  });
  return new Request(req, { body: req.body.pipeThrough(limit), duplex: 'half' } as RequestInit);
}

function handler(req: Request) {
  // proxy.ts doesn't run here (it would buffer the body), so the Origin check is made here.
  const refusal = foreignOriginRefusal(req);
  if (refusal) return refuse(req, 403, refusal);
  if (Number(req.headers.get('content-length') ?? 0) > MAX_REQUEST_BODY_BYTES) return refuse(req, 413, TOO_LARGE);
  const request = capped(req);
  return fetchRequestHandler({ endpoint: '/api/trpc', req: request, router: appRouter, createContext: () => createContext(request) });
}

export { handler as GET, handler as POST };
