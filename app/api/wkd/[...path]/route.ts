import { getDb } from '@/server/db';
import { env } from '@/server/env';
import { WKD_POLICY, lookupWkdKey } from '@/server/wkd/wkd.service';

export const dynamic = 'force-dynamic';

/**
 * WKD, reached through the rewrite of /.well-known/openpgpkey/* (next.config.mjs).
 * Direct method: /.well-known/openpgpkey/{policy | hu/<hash>} on the domain itself.
 * Advanced method: /.well-known/openpgpkey/<domain>/{policy | hu/<hash>} on openpgpkey.<domain>.
 */
const headers = { 'access-control-allow-origin': '*', 'cache-control': 'public, max-age=300' };

export async function GET(req: Request, ctx: { params: Promise<{ path: string[] }> }) {
  const { path } = await ctx.params;
  const url = new URL(req.url);
  const host = (req.headers.get('x-forwarded-host') ?? req.headers.get('host') ?? url.hostname).replace(/:\d+$/, '').toLowerCase();
  const [domain, rest] = path[0] === 'hu' || path[0] === 'policy' ? [host, path] : [path[0]!.toLowerCase(), path.slice(1)];

  if (rest.length === 1 && rest[0] === 'policy') return new Response(WKD_POLICY, { headers: { ...headers, 'content-type': 'text/plain' } });
  if (rest.length === 2 && rest[0] === 'hu' && /^[ybndrfg8ejkmcpqxot1uwisza345h769]{32}$/.test(rest[1]!)) {
    const key = await lookupWkdKey(getDb(), env().MAIL_DOMAIN, domain, rest[1]!, url.searchParams.get('l'));
    if (key) return new Response(Buffer.from(key), { headers: { ...headers, 'content-type': 'application/octet-stream' } });
  }
  return new Response('Not found\n', { status: 404, headers });
}
