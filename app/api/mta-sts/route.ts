import { getDb } from '@/server/db';
import { policyForHost } from '@/server/domains/mta-sts.service';
import { env } from '@/server/env';
import { settingsFrom } from '@/server/settings';

export const dynamic = 'force-dynamic';

/** https://mta-sts.<domain>/.well-known/mta-sts.txt (next.config.mjs rewrites it here). */
export async function GET(req: Request) {
  const policy = await policyForHost(getDb(), settingsFrom(env()), req.headers.get('host'));
  if (!policy) return new Response('No MTA-STS policy for this host.\n', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  return new Response(policy, { headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'public, max-age=3600' } });
}
