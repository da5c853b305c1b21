import 'server-only';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { AppError, errorTable } from '../errors';
import type { Logger } from '../logger';
import { authenticateApiKey } from './api-keys';
import { openApiDocument } from './openapi';
import { type RateLimiter, SharedKeyRateLimiter } from './shared-rate-limit';
import { ROUTES, type Route, authorize } from './routes';
import type { SendDeps } from './send';
import { AcceptCommitter } from './accept-commit';

const PREFIX = '/api/v1';
const DEFAULT_MAX_BODY = 1024 * 1024;

interface Compiled {
  route: Route;
  pattern: RegExp;
  names: string[];
}

const compiled: Compiled[] = ROUTES.map((route) => {
  const names: string[] = [];
  const pattern = new RegExp(`^${route.path.replace(/\{(\w+)\}/g, (_, name: string) => (names.push(name), '([^/]+)'))}$`);
  return { route, pattern, names };
});

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const json = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(status === 204 ? undefined : json);
}

function sendError(res: ServerResponse, err: AppError, extra: { issues?: { path: string; message: string }[]; headers?: Record<string, string> } = {}): void {
  send(res, errorTable[err.code].http, { error: { code: err.code, message: err.message, ...(extra.issues ? { issues: extra.issues } : {}) } }, extra.headers);
}

async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new AppError('PAYLOAD_TOO_LARGE', `The request body is over ${Math.floor(limit / 1024)} KiB.`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new AppError('PAYLOAD_TOO_LARGE', `The request body is over ${Math.floor(limit / 1024)} KiB.`);
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new AppError('BAD_INPUT', 'The request body is not valid JSON.');
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown, res: ServerResponse): { ok: true; value: T } | { ok: false } {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  const issues = result.error.issues.slice(0, 20).map((i) => ({ path: i.path.join('.') || '(body)', message: i.message }));
  sendError(res, new AppError('BAD_INPUT', `${issues[0]!.path}: ${issues[0]!.message}`), { issues });
  return { ok: false };
}

export interface ApiHandlerDeps extends SendDeps {
  log: Logger;
  /** The key rate limit; by default shared by every node through the database. */
  limiter?: RateLimiter;
}

/**
 * The REST API (`/api/v1`), as a plain Node handler mounted by the web role's own server in front
 * of Next: requests carry an API key, never a cookie, so none of the browser session's machinery
 * (CSRF and Origin checks, next-auth) applies, and every request costs one key look-up.
 * Returns false for paths it doesn't own.
 */
export function createApiHandler(deps: ApiHandlerDeps): ((req: IncomingMessage, res: ServerResponse) => Promise<boolean>) & { committer: AcceptCommitter } {
  const limiter = deps.limiter ?? new SharedKeyRateLimiter(deps.db);
  // One group commit per handler: concurrent sends share transactions (see accept-commit.ts).
  const routeDeps: SendDeps = { ...deps, committer: deps.committer ?? new AcceptCommitter(deps) };
  let document: string | undefined;
  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith(`${PREFIX}/`)) return false;
    const path = url.pathname.slice(PREFIX.length);
    try {
      if (path === '/openapi.json' && req.method === 'GET') {
        document ??= JSON.stringify(openApiDocument());
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'access-control-allow-origin': '*' }).end(document);
        return true;
      }
      const candidates = compiled.map((c) => ({ c, match: c.pattern.exec(path) })).filter((x) => x.match);
      const found = candidates.find((x) => x.c.route.method === req.method);
      if (!found) {
        if (candidates.length)
          send(res, 405, { error: { code: 'METHOD_NOT_ALLOWED', message: `Use ${candidates.map((x) => x.c.route.method).join(' or ')}.` } });
        else sendError(res, new AppError('NOT_FOUND', `No endpoint ${req.method} ${url.pathname}.`));
        return true;
      }
      const { route } = found.c;
      const params = Object.fromEntries(found.c.names.map((n, i) => [n, decodeURIComponent(found.match![i + 1]!)]));
      const auth = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
      if (!auth) {
        sendError(res, new AppError('UNAUTHORIZED', 'Send an API key: Authorization: Bearer <key>.'), { headers: { 'www-authenticate': 'Bearer' } });
        return true;
      }
      const principal = await authenticateApiKey(deps.db, deps.clock, auth[1]!);
      authorize(principal, route.scopes);
      const wait = await limiter.take(principal.keyId, principal.ratePerMinute);
      if (wait > 0) {
        sendError(res, new AppError('THROTTLED', `This key's rate limit (${principal.ratePerMinute} requests a minute) is used up; retry in ${wait} s.`), {
          headers: { 'retry-after': String(wait) },
        });
        return true;
      }
      let body: unknown;
      let rawBody: unknown;
      if (route.body) {
        rawBody = await readJson(req, route.maxBody ?? DEFAULT_MAX_BODY);
        const parsed = parse(route.body, rawBody, res);
        if (!parsed.ok) return true;
        body = parsed.value;
      }
      let query: unknown = {};
      if (route.query) {
        const parsed = parse(route.query, Object.fromEntries(url.searchParams), res);
        if (!parsed.ok) return true;
        query = parsed.value;
      }
      const idempotencyKey = route.idempotent ? req.headers['idempotency-key']?.toString() : undefined;
      if (idempotencyKey !== undefined && (idempotencyKey.length === 0 || idempotencyKey.length > 200)) {
        sendError(res, new AppError('BAD_INPUT', 'Idempotency-Key: 1 to 200 characters.'), {
          issues: [{ path: 'Idempotency-Key', message: '1 to 200 characters' }],
        });
        return true;
      }
      const result = await route.handler({ deps: routeDeps, principal, params, body, query, idempotencyKey, rawBody });
      send(res, route.status, route.status === 204 ? undefined : result);
    } catch (err) {
      if (err instanceof AppError) {
        const field = typeof err.details?.field === 'string' ? err.details.field : undefined;
        sendError(res, err, field ? { issues: [{ path: field, message: err.message }] } : {});
      } else {
        deps.log.error({ err: (err as Error).message, path: url.pathname }, 'API request failed');
        send(res, 500, { error: { code: 'INTERNAL', message: 'Something went wrong; try again.' } });
      }
    }
    return true;
  };
  return Object.assign(handler, { committer: routeDeps.committer! });
}
