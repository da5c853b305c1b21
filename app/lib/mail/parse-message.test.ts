import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMessage } from './parse-message';

// The shared corpus of real-world and malformed mail (see its README): every file must come back
// as a result or a tagged parse error, quickly, and never as a throw.
const FIXTURES = path.resolve(__dirname, '../../../../shared/fixtures/eml');
const files = readdirSync(FIXTURES, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.eml'))
  .sort();
const BUDGET_MS = 2_000;

describe('parseMessage on the shared .eml corpus', () => {
  it('finds the corpus', () => {
    expect(files.length).toBeGreaterThanOrEqual(100);
  });

  it.each(files)('%s', async (file) => {
    const raw = new Uint8Array(readFileSync(path.join(FIXTURES, file)));
    const started = performance.now();
    const result = await parseMessage(raw, { timeoutMs: BUDGET_MS });
    expect(performance.now() - started).toBeLessThan(BUDGET_MS);
    if (result.status === 'ok') {
      const m = result.message;
      expect(Array.isArray(m.from) && Array.isArray(m.to) && Array.isArray(m.attachments)).toBe(true);
      for (const a of m.attachments) expect(a.content.byteLength).toBe(a.size);
    } else {
      expect(result.status).toBe('parse-failed');
      expect(result.reason).not.toBe('timeout');
    }
  });
});

describe('parseMessage', () => {
  const utf8 = (s: string) => new TextEncoder().encode(s);

  it('reads headers, both bodies, attachments with their Content-ID, and the first Authentication-Results', async () => {
    const raw = [
      'Authentication-Results: localhost; spf=pass smtp.mailfrom=a@example.com; dkim=fail; dmarc=fail',
      'Authentication-Results: forged.example; dmarc=pass',
      'From: "Alice" <alice@example.com>',
      'To: Team: bob@localhost, carol@localhost;',
      'Subject: =?utf-8?q?Caf=C3=A9?=',
      'Date: Sat, 21 Nov 2026 09:05:00 +0000',
      'Content-Type: multipart/related; boundary=b',
      '',
      '--b',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>Hi <img src="cid:logo@x"></p><pre>-----BEGIN PGP MESSAGE-----\nabc\n-----END PGP MESSAGE-----</pre>',
      '--b',
      'Content-Type: image/png',
      'Content-ID: <logo@x>',
      'Content-Transfer-Encoding: base64',
      '',
      'iVBORw0KGgo=',
      '--b--',
      '',
    ].join('\r\n');
    const result = await parseMessage(utf8(raw));
    expect(result.status).toBe('ok');
    if (result.status !== 'ok') return;
    const m = result.message;
    expect(m.from).toEqual([{ name: 'Alice', address: 'alice@example.com' }]);
    expect(m.to.map((a) => a.address)).toEqual(['bob@localhost', 'carol@localhost']);
    expect(m.subject).toBe('Café');
    expect(m.date).toBe('2026-11-21T09:05:00.000Z');
    expect(m.authenticationResults).toMatch(/^localhost; spf=pass/);
    expect(m.hasInlinePgp).toBe(true);
    expect(m.attachments).toHaveLength(1);
    expect(m.attachments[0]).toMatchObject({ mimeType: 'image/png', contentId: 'logo@x', inline: true, size: 8 });
  });

  it('tags a message the parser refuses instead of throwing', async () => {
    const deep = `${'Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n'.repeat(80)}body\r\n`;
    const result = await parseMessage(utf8(deep));
    expect(result).toEqual({ status: 'parse-failed', reason: expect.any(String) });
  });
});
