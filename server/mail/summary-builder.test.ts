import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { SUMMARY_LIMITS, parseSummaryBytes } from '../../mime/summary';
import { buildSummary, htmlToRoughText } from './summary-builder';

const auth = { spf: 'pass', dkim: 'none', dmarc: 'fail', arc: 'none' };
const summarise = (text: string, budgetMs?: number) =>
  buildSummary({ raw: Buffer.from(text.replace(/\r?\n/g, '\r\n')), auth, envelopeFrom: 'bounce@envelope.example', budgetMs });

describe('buildSummary', () => {
  it('reads addresses (groups flattened), subject, date, message id and attachments', async () => {
    const summary = await summarise(
      [
        'From: =?UTF-8?B?w4ltaWxl?= <emile@example.org>',
        'To: Team: Ann <ann@example.org>, bob@example.org;, Cy <cy@example.org>',
        'Subject: Status',
        'Date: not a date at all',
        'Message-ID: <id-1@example.org>',
        'Content-Type: multipart/mixed; boundary=x',
        '',
        '--x',
        'Content-Type: text/plain',
        '',
        'Body',
        '--x',
        'Content-Type: application/octet-stream',
        'Content-Disposition: attachment',
        '',
        'raw bytes',
        '--x--',
        '',
      ].join('\n'),
    );
    expect(summary).toMatchObject({
      v: 1,
      from: [{ name: 'Émile', address: 'emile@example.org' }],
      to: [
        { name: 'Ann', address: 'ann@example.org' },
        { name: '', address: 'bob@example.org' },
        { name: 'Cy', address: 'cy@example.org' },
      ],
      cc: [],
      subject: 'Status',
      date: null,
      snippet: 'Body',
      messageId: '<id-1@example.org>',
      auth,
      parsed: true,
    });
    expect(summary.attachments).toEqual([{ filename: null, size: 9, contentType: 'application/octet-stream' }]);
  });

  it('keeps the thread a reply answers: References, then In-Reply-To when it is not the last of them', async () => {
    const reply = await summarise('From: a@example.org\nMessage-ID: <c@x>\nReferences: <a@x>\n <b@x>\nIn-Reply-To: <b@x>\n\nBody\n');
    expect(reply.references).toEqual(['<a@x>', '<b@x>']);
    const bare = await summarise('From: a@example.org\nIn-Reply-To: <p@x>\n\nBody\n');
    expect(bare.references).toEqual(['<p@x>']);
    expect((await summarise('From: a@example.org\n\nBody\n')).references).toEqual([]);
  });

  it('takes the snippet from HTML when there is no text part, without styles or scripts', async () => {
    const summary = await summarise(
      'Content-Type: text/html\n\n<html><head><title>T</title><style>p{color:red}</style></head><body><script>evil()</script><p>Hi&nbsp;there &amp; &#233;l&#xE8;ve</p></body></html>\n',
    );
    expect(summary.snippet).toBe('Hi there & élève');
  });

  it('bounds the snippet to 200 characters, collapsing whitespace and never splitting a character', async () => {
    const summary = await summarise(`Subject: long\n\n${'😀 \t\n '.repeat(300)}\n`);
    expect(Array.from(summary.snippet)).toHaveLength(200);
    expect(summary.snippet.startsWith('😀 😀 ')).toBe(true);
    expect(summary.snippet).not.toMatch(/\s{2}/);
    expect(summary.snippet).not.toMatch(/[\uD800-\uDBFF]$/);
  });

  it('returns what the browser’s schema accepts: fields clipped, a date no list can show read as unknown', async () => {
    const long = 'x'.repeat(3000);
    const summary = await summarise(
      `From: ${long} <a@example.org>\nSubject: ${long}\nDate: Sat, 1 Jan 12000 00:00:00 +0000\nMessage-ID: <${long}@example.org>\n\nBody\n`,
    );
    expect(summary.parsed).toBe(true);
    expect(summary.subject).toHaveLength(SUMMARY_LIMITS.text);
    expect(summary.from[0]!.name).toHaveLength(SUMMARY_LIMITS.text);
    expect(summary.messageId).toHaveLength(SUMMARY_LIMITS.text);
    expect(summary.date).toBeNull();
    expect(parseSummaryBytes(new TextEncoder().encode(JSON.stringify(summary)))).toEqual({ ok: true, summary });
  });

  it('falls back to the envelope when the MIME is too hostile to parse (1001 parts)', async () => {
    const parts = Array.from({ length: 1001 }, (_, i) => `--b\nContent-Type: text/plain\n\npart ${i}\n`).join('');
    const summary = await summarise(`From: Real <real@example.org>\nSubject: many\nContent-Type: multipart/mixed; boundary=b\n\n${parts}--b--\n`);
    expect(summary).toEqual({
      v: 1,
      from: [{ name: '', address: 'bounce@envelope.example' }],
      to: [],
      cc: [],
      subject: null,
      date: null,
      snippet: '',
      attachments: [],
      auth,
      messageId: null,
      references: [],
      parsed: false,
    });
  });

  it('falls back when parsing runs past its time budget', async () => {
    const big = `Subject: big\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n${Buffer.alloc(6 * 1024 * 1024, 1)
      .toString('base64')
      .replace(/.{76}/g, '$&\n')}\n`;
    const started = performance.now();
    const summary = await summarise(big, 5);
    expect(summary.parsed).toBe(false);
    expect(performance.now() - started).toBeLessThan(1_000);
    // With room to finish, the same message parses.
    expect((await summarise(big)).parsed).toBe(true);
  });
});

describe('htmlToRoughText', () => {
  it('stays linear on unclosed tags and blocks', () => {
    for (const hostile of ['<style'.repeat(200_000), '<'.repeat(1_000_000), `<p ${'a'.repeat(1_000_000)}`, '<script>'.repeat(100_000)]) {
      const started = performance.now();
      htmlToRoughText(hostile);
      expect(performance.now() - started).toBeLessThan(200);
    }
  });
});
