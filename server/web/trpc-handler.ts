import 'server-only';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { nodeHTTPRequestHandler } from '@trpc/server/adapters/node-http';
import { MAX_BATCH_CALLS, MAX_REQUEST_BODY_BYTES, PRE_SIGN_IN_BODY_BYTES, payloadTooLarge, tooManyCalls } from '../api/body-limit';
import { trpcErrorResponse } from '../api/error-response';
import { appRouter } from '../api/root';
import { createContext } from '../api/trpc';
import { currentSessionFor } from '../auth/current-session';
import { clientIp } from '../auth/request-info';
import { parseCookieHeader, sessionIdFromCookies } from '../auth/session-cookie';
import { AppError } from '../errors';
import { originRefusal } from '../security/origin-guard';
import { answerGetQuery } from './trpc-query-get';

export const TRPC_PREFIX = '/api/trpc/';

/**
 * The app's API, /api/trpc/*, served by the web role's own server rather than a Next route handler:
 * the mailbox calls it for every page of mail, and Next's route machinery (its request wrappers,
 * web streams and response compression) cost more CPU per call than the procedure itself.
 *
 * In order: the Origin check, the batch cap, the session (from the cookie, checked against the
 * sessions table), then the body limit that the session allows — a few KB before sign-in — applied
 * to the declared length before reading and to the bytes as they stream in. GET queries are then
 * answered by trpc-query-get.ts, everything else by tRPC's Node adapter.
 */
export async function handleTrpc(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  const pathname = query === -1 ? url : url.slice(0, query);
  const search = new URLSearchParams(query === -1 ? '' : url.slice(query + 1));
  const path = decodeURIComponent(pathname.slice(TRPC_PREFIX.length));
  const calls = search.get('batch') === '1' ? path.split(',').length : undefined;

  const refusal = originRefusal(req.method ?? 'GET', originHeaders(req), pathname);
  if (refusal) return send(res, trpcErrorResponse(new AppError('FORBIDDEN', refusal), calls));
  if ((calls ?? 1) > MAX_BATCH_CALLS) return send(res, tooManyCalls(calls ?? 1));

  const sid = await sessionIdFromCookies(parseCookieHeader(req.headers.cookie));
  const session = await currentSessionFor(sid);
  const limit = session ? MAX_REQUEST_BODY_BYTES : PRE_SIGN_IN_BODY_BYTES;
  if (Number(req.headers['content-length'] ?? 0) > limit) {
    res.setHeader('connection', 'close'); // the unread body isn't wanted: don't wait for it
    return send(res, payloadTooLarge(limit));
  }

  const context = () => createContext({ sid, session, ip: clientIp(req.headers), userAgent: req.headers['user-agent'] ?? null });
  if (await answerGetQuery(req.method, req.headers, res, path, search, context)) return;
  await nodeHTTPRequestHandler({ req, res, path, router: appRouter, maxBatchSize: MAX_BATCH_CALLS, maxBodySize: limit, createContext: context });
}

/** Only what the Origin check reads. */
function originHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const name of ['origin', 'referer', 'cookie'] as const) {
    const value = req.headers[name];
    if (typeof value === 'string') headers.set(name, value);
  }
  return headers;
}

/** A refusal made before tRPC runs (built as a fetch Response by the shared helpers). */
async function send(res: ServerResponse, response: Response): Promise<void> {
  const body = await response.text();
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(body);
}
