import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { appRouter } from '@/server/api/root';
import { MAX_BATCH_CALLS, MAX_REQUEST_BODY_BYTES, PRE_SIGN_IN_BODY_BYTES, capBody, tooManyCalls } from '@/server/api/body-limit';
import { trpcErrorResponse } from '@/server/api/error-response';
import { createContext } from '@/server/api/trpc';
import { AppError } from '@/server/errors';
import { getCurrentSession } from '@/server/auth/current-session';
import { foreignOriginRefusal } from '@/server/security/origin-guard';

export const dynamic = 'force-dynamic';

/** A 403 in the shape of tRPC's errors, one per call of a batch. */
function forbidden(req: Request, message: string): Response {
  const url = new URL(req.url);
  const calls = url.pathname.replace(/^\/api\/trpc\/?/, '').split(',').length;
  return trpcErrorResponse(new AppError('FORBIDDEN', message), url.searchParams.get('batch') === '1' ? calls : undefined);
}

/**
 * The session is checked before the body is read: someone not signed in may send only a few KB
 * (PRE_SIGN_IN_BODY_BYTES), and gets a 413 as soon as a body goes past that, declared or streamed.
 */
async function handler(req: Request) {
  // proxy.ts doesn't run here (it would buffer the body), so the Origin check is made here.
  const refusal = foreignOriginRefusal(req);
  if (refusal) return forbidden(req, refusal);
  const url = new URL(req.url);
  const calls = url.searchParams.get('batch') === '1' ? url.pathname.replace(/^\/api\/trpc\/?/, '').split(',').length : 1;
  if (calls > MAX_BATCH_CALLS) return tooManyCalls(calls);
  const session = await getCurrentSession();
  const request = capBody(req, session ? MAX_REQUEST_BODY_BYTES : PRE_SIGN_IN_BODY_BYTES);
  if (request instanceof Response) return request;
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req: request,
    router: appRouter,
    maxBatchSize: MAX_BATCH_CALLS,
    createContext: () => createContext(request, session),
  });
}

export { handler as GET, handler as POST };
