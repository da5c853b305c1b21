import { sql } from 'kysely';
import { getDb } from '@/server/db';

export const dynamic = 'force-dynamic';

/** 200 when the database answers within 2 s, 503 otherwise. */
export async function GET() {
  const db = await Promise.race([
    sql`SELECT 1`.execute(getDb()).then(() => 'ok' as const),
    new Promise<'unreachable'>((resolve) => setTimeout(() => resolve('unreachable'), 2000)),
  ]).catch(() => 'unreachable' as const);
  const ok = db === 'ok';
  return Response.json({ status: ok ? 'ok' : 'unavailable', db }, { status: ok ? 200 : 503, headers: { 'cache-control': 'no-store' } });
}
