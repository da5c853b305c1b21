import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveFromPassword } from '../../crypto';
import { useTestDb } from '../../testing/db';
import { type WebServer, startWebServer } from '../../testing/web-server';
import { createTestUser } from '../../testing/factories';
import { nextAuthSignIn, trpcCall } from '../../testing/http';
import { MAX_BATCH_CALLS, MAX_REQUEST_BODY_BYTES, PRE_SIGN_IN_BODY_BYTES } from './body-limit';

/**
 * Over real HTTP: bodies are refused with 413 before they are read (or as soon as a stream passes
 * the limit), and the limit is a few KB until the sender is signed in. Batches are capped too.
 */
const db = useTestDb();
let web: WebServer;
beforeAll(async () => {
  web = await startWebServer({ MAIL_DOMAIN: 'localhost', SECRET_KEY: process.env.SECRET_KEY! });
}, 120_000);
afterAll(() => web?.stop());

/**
 * POSTs a body that says it is `declared` bytes long (or, with `declared` null, streams it chunked)
 * but sends only `sent`, then waits for the answer without ending the request: a server that waits
 * for the whole body never answers.
 */
function post(path: string, declared: number | null, sent: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${web.url}${path}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: web.url, ...(declared !== null && { 'content-length': String(declared) }), ...headers },
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.write(sent);
    if (declared === Buffer.byteLength(sent)) req.end();
  });
}

async function signedInCookie(): Promise<string> {
  const user = await createTestUser(db);
  const { body } = await trpcCall(web.url, 'mutation', 'auth.preLogin', { username: user.username });
  const { challenge: _challenge, ...kdf } = body.result.data;
  const { authKey } = await deriveFromPassword(user.password, kdf);
  const { error, cookie } = await nextAuthSignIn(web.url, { username: user.username, authKey });
  expect(error).toBeNull();
  return cookie;
}

describe('request bodies before sign-in', () => {
  it('answers 413 at once to a 60 MB body declared to auth.preLogin, without reading it', async () => {
    const res = await post('/api/trpc/auth.preLogin', 60 * 1024 * 1024, '{"username":"');
    expect(res.status).toBe(413);
    expect(res.body).toContain('PAYLOAD_TOO_LARGE');
    expect(res.body).toContain(`over ${PRE_SIGN_IN_BODY_BYTES / 1024} KB`);
  });

  it('stops a streamed (chunked) body past the limit with a 413', async () => {
    const res = await post('/api/trpc/auth.preLogin', null, `{"username":"${'a'.repeat(PRE_SIGN_IN_BODY_BYTES + 1024)}`);
    expect(res.status).toBe(413);
    expect(res.body).toContain('PAYLOAD_TOO_LARGE');
  });

  it('caps next-auth bodies the same way', async () => {
    const res = await post('/api/auth/callback/credentials', 60 * 1024 * 1024, 'csrfToken=');
    expect(res.status).toBe(413);
  });

  it('reads a small body (the procedure answers, here: not signed in)', async () => {
    const body = JSON.stringify({ raw: 'AAAA', summary: 'AAAA', size: 1 });
    const res = await post('/api/trpc/compose.saveDraft', Buffer.byteLength(body), body);
    expect(res.status).toBe(401);
  });
});

describe('request bodies after sign-in', () => {
  it('reads a body over the pre-sign-in limit, and refuses one declared over the signed-in limit', async () => {
    const cookie = await signedInCookie();
    const big = JSON.stringify({ raw: 'A'.repeat(PRE_SIGN_IN_BODY_BYTES * 2), summary: 'AAAA', size: 1 });
    const read = await post('/api/trpc/compose.saveDraft', Buffer.byteLength(big), big, { cookie });
    expect(read.status).not.toBe(413);
    expect(read.status).not.toBe(401);
    const res = await post('/api/trpc/compose.saveDraft', MAX_REQUEST_BODY_BYTES + 1, '{"raw":"', { cookie });
    expect(res.status).toBe(413);
    expect(res.body).toContain(`The request is over ${MAX_REQUEST_BODY_BYTES / 1048576} MB`);
  });
});

describe('batches', () => {
  const batch = (n: number) => `${web.url}/api/trpc/${Array(n).fill('auth.config').join(',')}?batch=1&input=${encodeURIComponent(JSON.stringify({}))}`;

  it(`answers a batch of ${MAX_BATCH_CALLS} calls, and refuses one more with a 400 that says why`, async () => {
    const ok = await fetch(batch(MAX_BATCH_CALLS));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toHaveLength(MAX_BATCH_CALLS);
    const over = await fetch(batch(MAX_BATCH_CALLS + 1));
    expect(over.status).toBe(400);
    expect((await over.json()).error.message).toBe(`A batch may hold at most ${MAX_BATCH_CALLS} calls; this one has ${MAX_BATCH_CALLS + 1}.`);
    // What the issue saw: 500 calls answered.
    expect((await fetch(batch(500))).status).toBe(400);
  });
});

describe('GET queries (answered by server/web/trpc-query-get.ts, in tRPC wire format)', () => {
  const get = async (path: string) => {
    const res = await fetch(`${web.url}/api/trpc/${path}`);
    return { status: res.status, vary: res.headers.get('vary'), body: await res.json() };
  };
  const input = (value: unknown) => encodeURIComponent(JSON.stringify(value));

  it('answers a batch with one result and one error as 207, each in its place, as tRPC does', async () => {
    const res = await get(`auth.config,mail.list?batch=1&input=${input({ 1: { folder: 'inbox' } })}`);
    expect(res.status).toBe(207);
    expect(res.vary).toBe('trpc-accept, accept');
    expect(res.body[0].result.data.mailDomain).toBe('localhost');
    expect(res.body[1].error).toMatchObject({
      code: -32001,
      message: 'Your session has ended. Sign in again.',
      data: { code: 'UNAUTHORIZED', httpStatus: 401, path: 'mail.list' },
    });

    const single = await get(`mail.list?input=${input({ folder: 'inbox' })}`);
    expect(single.status).toBe(401);
    expect(single.body.error.data.code).toBe('UNAUTHORIZED');
  });

  it("leaves what it doesn't take to tRPC's adapter: input that isn't JSON, a mutation over GET", async () => {
    const bad = await get('auth.config?input=%7Bbad');
    expect(bad.status).toBe(400);
    expect(bad.body.error.data.code).toBe('BAD_REQUEST');
    const mutation = await get(`auth.preLogin?input=${input({ username: 'x' })}`);
    expect(mutation.status).toBe(405);
    expect(mutation.body.error.data.code).toBe('METHOD_NOT_SUPPORTED');
  });
});
