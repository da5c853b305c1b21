import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type WebServer, startWebServer } from '../../test/web-server';
import { MAX_REQUEST_BODY_BYTES } from './body-limit';

/** /api/trpc refuses a body over the limit with 413 before reading it, and still serves normal ones. */
let web: WebServer;
beforeAll(async () => {
  web = await startWebServer({ MAIL_DOMAIN: 'localhost', SECRET_KEY: process.env.SECRET_KEY! });
});
afterAll(() => web?.stop());

/** POSTs a body that says it is `declared` bytes long but sends only `sent`, and reads the answer. */
function post(path: string, declared: number, sent: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${web.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(declared) } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.write(sent);
    if (declared === Buffer.byteLength(sent)) req.end();
  });
}

describe('the tRPC body limit', () => {
  it('answers 413 with a message for a body declared over the limit', async () => {
    const res = await post('/api/trpc/compose.saveDraft', MAX_REQUEST_BODY_BYTES + 1, '{"raw":"');
    expect(res.status).toBe(413);
    expect(res.body).toContain('PAYLOAD_TOO_LARGE');
    expect(res.body).toContain(`The request is over ${MAX_REQUEST_BODY_BYTES / 1048576} MB`);
  });

  it('reads a normal body (the procedure answers, here: not signed in)', async () => {
    const body = JSON.stringify({ raw: 'AAAA', summary: 'AAAA', size: 1 });
    const res = await post('/api/trpc/compose.saveDraft', Buffer.byteLength(body), body);
    expect(res.status).toBe(401);
  });
});
