import { appErrorResponse } from '@/server/api/error-response';
import { getCurrentSession } from '@/server/auth/current-session';
import { AppError } from '@/server/errors';
import { SSE_HEADERS, createMailEventStream } from '@/server/mail/mail-events';
import { newMailListener } from '@/server/mail/new-mail-listener';
import { trackSseClient } from '@/server/metrics/web';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** The signed-in user's live mailbox: an event each time new mail for them is committed. */
export async function GET(req: Request) {
  const session = await getCurrentSession();
  if (!session) return appErrorResponse(new AppError('UNAUTHORIZED', 'Your session has ended. Sign in again.'));
  const stream = createMailEventStream({
    userId: session.account.id,
    subscribe: (userId, handler) => newMailListener().subscribe(userId, handler),
    signal: req.signal,
  });
  trackSseClient(req.signal);
  return new Response(stream, { headers: SSE_HEADERS });
}
