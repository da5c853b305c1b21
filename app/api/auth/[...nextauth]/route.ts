import NextAuth from 'next-auth';
import { NextRequest } from 'next/server';
import { PRE_SIGN_IN_BODY_BYTES, capBody } from '@/server/api/body-limit';
import { appErrorResponse } from '@/server/api/error-response';
import { authOptions } from '@/server/auth/nextauth';
import { AppError } from '@/server/errors';
import { foreignOriginRefusal } from '@/server/security/origin-guard';

export const dynamic = 'force-dynamic';

// Options are built per request: they read SECRET_KEY, which exists at run time, not at build time.
// Every next-auth body (sign-in, sign-out, CSRF) is a small form, signed in or not.
// proxy.ts doesn't run here (it would buffer the body before the cap), so the Origin check is here.
function handler(req: NextRequest, ctx: { params: Promise<{ nextauth: string[] }> }) {
  const refusal = foreignOriginRefusal(req);
  if (refusal) return appErrorResponse(new AppError('FORBIDDEN', refusal));
  const request = capBody(
    req,
    PRE_SIGN_IN_BODY_BYTES,
    (body) => new NextRequest(req, { body, duplex: 'half' } as ConstructorParameters<typeof NextRequest>[1]),
  );
  if (request instanceof Response) return request;
  return NextAuth(request as never, ctx as never, authOptions());
}

export { handler as GET, handler as POST };
