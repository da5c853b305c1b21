import { createRequire } from 'node:module';

/**
 * mailauth 4.9.5 (and every later version so far) splits a header section into fields by merging
 * each folded continuation line into the field above with Array.concat, from the bottom up: the
 * cost is quadratic in the continuation lines of one field. A Subject folded over 60,000 lines
 * (240 KB) takes 8 s, 3 million lines take minutes, all on the event loop. This replaces that one
 * function, mailauth/lib/tools.js parseHeaders, with a linear one that returns exactly the same
 * fields (same keys, same bytes: DKIM hashes them), checked against the original in
 * mailauth-headers.test.ts. Newer mailauth versions need Node 22, and have the same loop.
 *
 * mailauth's DKIM parser takes its own reference to parseHeaders when it is first loaded, so this
 * module must be evaluated before anything loads mailauth: authentication.ts imports it first.
 * `installed` says whether that worked; the SMTP server warns when it didn't.
 */
type ParsedHeader = { key: string | null; casedKey: string | undefined; line: Buffer };
type ParseHeaders = (buf: Buffer) => { parsed: ParsedHeader[]; original: Buffer };

const require = createRequire(import.meta.url);
const tools = require('mailauth/lib/tools.js') as { parseHeaders: ParseHeaders };

// The replacement carries the original, so a second evaluation of this module (test runners
// re-evaluate modules, Node's require cache stays) still finds mailauth's own.
const ORIGINAL = Symbol.for('sealpost.mailauth.parseHeaders.original');
type Marked = ParseHeaders & { [ORIGINAL]?: ParseHeaders };
const current = tools.parseHeaders as Marked;

/** mailauth's own implementation, kept for the equivalence test. */
export const originalParseHeaders: ParseHeaders = current[ORIGINAL] ?? current;

export const parseHeadersLinear: Marked = (buf) => {
  const lines = buf
    .toString('binary')
    .replace(/[\r\n]+$/, '')
    .split(/\r?\n/);
  const fields: string[][] = [];
  for (const line of lines) {
    // The same test as mailauth's (/^\s/, never for the first line): a continuation joins the field above.
    if (fields.length > 0 && /^\s/.test(line)) fields[fields.length - 1]!.push(line);
    else fields.push([line]);
  }
  const parsed = fields.map((field) => {
    const row = field.join('\r\n');
    const match = row.match(/^[^:]+/);
    let key: string | null = null;
    let casedKey: string | undefined;
    if (match) {
      casedKey = match[0].trim();
      key = casedKey.toLowerCase();
    }
    return { key, casedKey, line: Buffer.from(row, 'binary') };
  });
  return { parsed, original: buf };
};

parseHeadersLinear[ORIGINAL] = originalParseHeaders;
const parserLoaded = Object.keys(require.cache).some((file) => /mailauth[\\/]lib[\\/]dkim[\\/]message-parser\.js$/.test(file));
// Already replaced before the parser loaded (an earlier evaluation), or not loaded yet: in effect.
const installed = current[ORIGINAL] !== undefined || !parserLoaded;
if (!parserLoaded) tools.parseHeaders = parseHeadersLinear;

export const linearHeaderParser = { installed } as const;
