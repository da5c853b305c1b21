import 'server-only';
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { revokeSession } from '../../db/repositories/session.repository';
import { systemClock } from '../clock';
import { getDb } from '../db';
import { env } from '../env';
import { AppError } from '../errors';
import { logger } from '../logger';
import { deriveSecret } from '../secrets';
import { signIn } from './account.service';
import { authKeySchema, usernameSchema } from './auth.schemas';
import { SESSION_LIFETIME_MS } from './account.service';
import { proofSchema } from './proof-of-work';
import { clientIp } from './request-info';

declare module 'next-auth' {
  interface User {
    sid: string;
  }
}
declare module 'next-auth/jwt' {
  interface JWT {
    sid?: string;
    uid?: string;
  }
}

/** The key next-auth encrypts its session cookie with; session-cookie.ts reads the cookie with it too. */
export function nextAuthSecret(): string {
  return deriveSecret('nextauth').toString('base64');
}

/**
 * next-auth carries a signed, encrypted JWT that names a row in `sessions`. The row is the truth:
 * every request checks it (see session.ts), so revoking it ends the session at once.
 */
export function authOptions(): NextAuthOptions {
  return {
    secret: nextAuthSecret(),
    session: { strategy: 'jwt', maxAge: SESSION_LIFETIME_MS / 1000 },
    pages: { signIn: '/login', error: '/login' },
    providers: [
      CredentialsProvider({
        id: 'credentials',
        name: 'Sealpost',
        credentials: { username: { type: 'text' }, authKey: { type: 'password' }, proof: { type: 'text' } },
        async authorize(credentials, req) {
          const username = usernameSchema.safeParse(credentials?.username);
          const authKey = authKeySchema.safeParse(credentials?.authKey);
          const proof = proofSchema.optional().safeParse(credentials?.proof || undefined);
          if (!username.success || !authKey.success || !proof.success) throw new AppError('INVALID_CREDENTIALS', 'Wrong username or password.');
          try {
            const { account, sessionId } = await signIn(getDb(), systemClock, env().MAIL_DOMAIN, {
              username: username.data,
              authKey: authKey.data,
              proof: proof.data,
              ip: clientIp(req.headers ?? {}),
              userAgent: (req.headers?.['user-agent'] as string | undefined) ?? null,
            });
            return { id: account.id, name: account.username, sid: sessionId };
          } catch (err) {
            // next-auth hands an Error's message to the sign-in form: only our own, vetted texts.
            if (err instanceof AppError) throw err;
            logger.error({ err: (err as Error).message }, 'sign-in failed unexpectedly');
            throw new AppError('UNAVAILABLE', 'Sign-in is unavailable right now. Try again in a minute.');
          }
        },
      }),
    ],
    callbacks: {
      async jwt({ token, user }) {
        if (user) {
          token.sid = user.sid;
          token.uid = user.id;
        }
        return token;
      },
      // Only the session id reaches getServerSession; everything else comes from the database.
      async session({ session, token }) {
        return { expires: session.expires, sid: token.sid } as unknown as typeof session;
      },
    },
    events: {
      async signOut({ token }) {
        if (token?.sid && token.uid) await revokeSession(getDb(), token.sid, token.uid, systemClock.now());
      },
    },
  };
}
