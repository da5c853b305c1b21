import { type KdfDescriptor, deriveFromPassword } from '../crypto/account';

/**
 * Signs in over real HTTP the way the browser does (preLogin, Argon2id here, next-auth's
 * credentials callback) and returns the Cookie header of the new session. Requests say they come
 * from `origin`, as a browser on the app's page would.
 */
export async function signInOverHttp(
  baseUrl: string,
  origin: string,
  user: { username: string; password: string },
  // Another fetch, such as undici's with a test CA or a local address (deploy/nginx.integration.test.ts).
  fetch: typeof globalThis.fetch = globalThis.fetch,
): Promise<string> {
  const pre = await fetch(`${baseUrl}/api/trpc/auth.preLogin`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin },
    body: JSON.stringify({ username: user.username }),
  });
  if (!pre.ok) throw new Error(`preLogin answered ${pre.status}`);
  const kdf = ((await pre.json()) as { result: { data: KdfDescriptor } }).result.data;
  const { authKey } = await deriveFromPassword(user.password, kdf);

  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const jar = cookiesOf(csrf);
  const callback = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin, cookie: jar },
    body: new URLSearchParams({ username: user.username, authKey, csrfToken, json: 'true' }),
  });
  const session = cookiesOf(callback);
  if (!session.includes('session-token=')) throw new Error(`sign-in answered ${callback.status} without a session`);
  return session;
}

/** name=value pairs of a response's Set-Cookie headers, as one Cookie header. */
function cookiesOf(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}
