import { describe, expect, it } from 'vitest';
import { parseMessage } from '../mail/parse-message';
import { toSearchDoc } from './document';

const strip = (html: string) => html.replace(/<[^>]*>/g, ' ');

describe('toSearchDoc', () => {
  it('indexes headers, attachment names, fresh and quoted text apart, and reduces HTML to text', async () => {
    const raw = [
      'From: Zoe <zoe@outside.example>',
      'To: alice@localhost',
      'Cc: Bob <bob@localhost>',
      'Subject: Re: Budget',
      'Date: Tue, 10 Nov 2026 09:00:00 +0000',
      'Content-Type: multipart/mixed; boundary=b',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'New numbers below.',
      '> old numbers from last week',
      '--b',
      'Content-Type: application/pdf; name="q3-budget.pdf"',
      'Content-Disposition: attachment; filename="q3-budget.pdf"',
      '',
      'pdf',
      '--b--',
      '',
    ].join('\r\n');
    const parsed = await parseMessage(new TextEncoder().encode(raw));
    if (parsed.status !== 'ok') throw new Error('fixture did not parse');
    const doc = toSearchDoc('id1', '2026-11-11T00:00:00Z', parsed.message, strip);
    expect(doc).toMatchObject({
      id: 'id1',
      subject: 'Re: Budget',
      from: 'Zoe zoe@outside.example',
      to: 'alice@localhost Bob bob@localhost',
      filenames: 'q3-budget.pdf',
      quoted: 'old numbers from last week',
      date: Date.UTC(2026, 10, 10, 9),
      hasAttachment: true,
    });
    expect(doc.body).toContain('New numbers below.');
    expect(doc.body).not.toContain('old numbers');

    const html = await parseMessage(new TextEncoder().encode('Subject: H\r\nContent-Type: text/html\r\n\r\n<p>Hello <b>world</b></p>\r\n'));
    if (html.status !== 'ok') throw new Error('fixture did not parse');
    const htmlDoc = toSearchDoc('id2', '2026-11-11T00:00:00Z', html.message, strip);
    expect(htmlDoc.body.replace(/\s+/g, ' ').trim()).toBe('Hello world');
    expect(htmlDoc.date).toBe(Date.parse('2026-11-11T00:00:00Z'));
  });
});
