/** Talking to the built web role over real HTTP, the way a browser (or a script) does. */

export interface TrpcAnswer {
  status: number;
  body: any;
}

/**
 * One tRPC call, unbatched: a query is a GET, a mutation a POST. A mutation says it comes from the
 * app's own page (Origin: baseUrl), as a browser's would; pass another `origin` header to test that.
 */
export async function trpcCall(
  baseUrl: string,
  kind: 'query' | 'mutation',
  path: string,
  input: unknown,
  headers: Record<string, string> = {},
): Promise<TrpcAnswer> {
  const url = `${baseUrl}/api/trpc/${path}`;
  const res =
    kind === 'query'
      ? await fetch(`${url}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers })
      : await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', origin: baseUrl, ...headers }, body: JSON.stringify(input) });
  return { status: res.status, body: await res.json() };
}

const cookiesOf = (res: Response) => res.headers.getSetCookie().map((c) => c.split(';')[0]!);

/**
 * Signs in through next-auth's credentials callback, as the login page does. Returns the error
 * next-auth reports (null on success) and the cookies of the session.
 */
export async function nextAuthSignIn(
  baseUrl: string,
  credentials: { username: string; authKey: string; proof?: string },
  headers: Record<string, string> = {},
): Promise<{ error: string | null; cookie: string }> {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`, { headers });
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const jar = cookiesOf(csrf);
  const res = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { origin: baseUrl, ...headers, cookie: jar.join('; '), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrfToken, json: 'true', ...credentials }),
  });
  const { url } = (await res.json()) as { url: string };
  const error = new URL(url, baseUrl).searchParams.get('error');
  return { error, cookie: [...jar, ...cookiesOf(res)].join('; ') };
}
