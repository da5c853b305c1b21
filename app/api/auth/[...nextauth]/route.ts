import NextAuth from 'next-auth';
import { authOptions } from '@/server/auth/nextauth';

export const dynamic = 'force-dynamic';

// Options are built per request: they read SECRET_KEY, which exists at run time, not at build time.
function handler(req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) {
  return NextAuth(req as never, ctx as never, authOptions());
}

export { handler as GET, handler as POST };
