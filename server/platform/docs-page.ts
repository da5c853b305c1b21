import 'server-only';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * /docs/api: the API reference, rendered in the browser by Scalar (@scalar/api-reference) from
 * /api/v1/openapi.json. The script is served from this server, never from a CDN.
 */
// The package's exports don't name its standalone bundle, so it is read from its install path.
const STANDALONE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../node_modules/@scalar/api-reference/dist/browser/standalone.js');
let script: Promise<Buffer> | undefined;

function scalarScript(): Promise<Buffer> {
  script ??= readFile(STANDALONE);
  return script;
}

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Sealpost sending API reference</title>
  </head>
  <body>
    <noscript>The API reference needs JavaScript. The OpenAPI document is at <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</noscript>
    <script id="api-reference" data-url="/api/v1/openapi.json"></script>
    <script src="/docs/api/scalar.js"></script>
  </body>
</html>`;

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

export async function apiReferencePage(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET' }).end();
    return true;
  }
  if (req.url?.startsWith('/docs/api/scalar.js')) {
    res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=3600', ...SECURITY_HEADERS });
    res.end(await scalarScript());
    return true;
  }
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    // Scalar injects styles and fetches the document from this origin only.
    'content-security-policy':
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
    ...SECURITY_HEADERS,
  });
  res.end(PAGE);
  return true;
}
