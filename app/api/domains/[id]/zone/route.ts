import { appErrorText } from '@/server/api/error-response';
import { domainZoneFile } from '@/server/domains/domain.service';
import { getCurrentSession } from '@/server/auth/current-session';
import { getDb } from '@/server/db';
import { env } from '@/server/env';
import { AppError } from '@/server/errors';
import { settingsFrom } from '@/server/settings';

export const dynamic = 'force-dynamic';

/** "Download zone file": the records to publish, in BIND syntax. */
export async function GET(_req: Request, ctx: { params: Promise<{ id: string }> }) {
  try {
    const session = await getCurrentSession();
    if (!session) throw new AppError('UNAUTHORIZED', 'Sign in first.');
    const { id } = await ctx.params;
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AppError('NOT_FOUND', 'No such domain.');
    const { name, zone } = await domainZoneFile(getDb(), settingsFrom(env()), session.account, id);
    return new Response(zone, {
      headers: {
        'content-type': 'text/dns; charset=utf-8',
        'content-disposition': `attachment; filename="${name}.zone"`,
        'cache-control': 'no-store',
      },
    });
  } catch (err) {
    if (err instanceof AppError) return appErrorText(err, { 'cache-control': 'no-store' });
    throw err;
  }
}
