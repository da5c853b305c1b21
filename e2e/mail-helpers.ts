import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { E2E } from '../playwright.config';

/** Sends one message with swaks, the real SMTP client, to the running instance's MX port. */
export function sendWithSwaks(options: {
  to: string;
  subject: string;
  body: string;
  from?: string;
  headers?: string[];
  /** A file to attach, under `name`. */
  attach?: { path: string; name: string; type: string };
}): Promise<string> {
  const args = [
    '--server',
    '127.0.0.1',
    '--port',
    String(E2E.smtpPort),
    '--ehlo',
    'e2e.example',
    '--from',
    options.from ?? 'sender@e2e.example',
    '--to',
    options.to,
    '--header',
    `Subject: ${options.subject}`,
    ...(options.headers ?? []).flatMap((h) => ['--add-header', h]),
    '--body',
    options.body,
    ...(options.attach ? ['--attach-type', options.attach.type, '--attach-name', options.attach.name, '--attach', `@${options.attach.path}`] : []),
  ];
  return new Promise((resolve, reject) => {
    execFile('swaks', args, { timeout: 60_000 }, (err, stdout, stderr) => {
      const output = `${stdout}${stderr}`;
      if (err) reject(new Error(`swaks failed:\n${output}`));
      else if (!/<- {2}250 .*queued/i.test(output)) reject(new Error(`no 250 after DATA:\n${output}`));
      else resolve(output);
    });
  });
}

/** A real HTTP server on loopback that records every request path (a tracking pixel's view). */
export async function startRecordingServer() {
  const requests: string[] = [];
  const pixel = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
  const server = http.createServer((req, res) => {
    // An empty page on the same loopback origin, for tests that need a page to work in, and the
    // browser's own favicon request for it: neither is the mail's doing, so neither is recorded.
    if (req.url === '/favicon.ico') {
      res.writeHead(404).end();
      return;
    }
    if (req.url === '/__blank') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!DOCTYPE html><title></title>');
      return;
    }
    requests.push(req.url ?? '');
    res.writeHead(200, { 'content-type': req.url?.endsWith('.css') ? 'text/css' : 'image/gif', 'access-control-allow-origin': '*' });
    res.end(req.url?.endsWith('.css') ? 'body{background:red}' : pixel);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    requests,
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // The browser keeps connections alive; without this, close() waits for them to time out.
        server.closeAllConnections();
      }),
  };
}
