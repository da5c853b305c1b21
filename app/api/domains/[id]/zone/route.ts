import { domainZoneFile } from '@/server/domains/domain.service';
import { getCurrentSession } from '@/server/auth/session';
import { getDb } from '@/server/db';
import { AppError } from '@/server/errors';

export const dynamic = 'force-dynamic';

/** "Download zone file": the records to publish, in BIND syntax. */
export async function GET(_req: Request, ctx: { params: Promise<{ id: string }> }) {
  const session = await getCurrentSession();
  if (!session) return new Response('Sign in first.\n', { status: 401 });
  const { id } = await ctx.params;
  if (!/^[0-9a-f-]{36}$/i.test(id)) return new Response('No such domain.\n', { status: 404 });
  try {
    const { name, zone } = await domainZoneFile(getDb(), session.account, id);
    return new Response(zone, {
      headers: {
        'content-type': 'text/dns; charset=utf-8',
        'content-disposition': `attachment; filename="${name}.zone"`,
        'cache-control': 'no-store',
      },
    });
  } catch (err) {
    if (err instanceof AppError && err.code === 'NOT_FOUND') return new Response('No such domain.\n', { status: 404 });
    throw err;
  }
}
