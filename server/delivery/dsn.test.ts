import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { buildDsn, headerValue, statusFromReply } from './dsn';

const original = Buffer.from(
  'DKIM-Signature: v=1; a=rsa-sha256;\r\n d=example.com; s=sealpost\r\nFrom: Alice <alice@example.com>\r\nTo: bob@example.org\r\nSubject: Budget\r\n review\r\nMessage-ID: <m1@example.com>\r\n',
);

describe('delivery status notifications', () => {
  it('reads the enhanced status code of a reply, or falls back to its class', () => {
    expect(statusFromReply('550 5.1.1 No such user', '5.0.0')).toBe('5.1.1');
    expect(statusFromReply('550-5.7.26 Unauthenticated mail', '5.0.0')).toBe('5.7.26');
    expect(statusFromReply('554 Transaction failed', '5.0.0')).toBe('5.0.0');
    expect(statusFromReply('451 try later', '4.0.0')).toBe('4.0.0');
    expect(statusFromReply(null, '4.4.7')).toBe('4.4.7');
  });

  it('unfolds header values', () => {
    expect(headerValue(original, 'Subject')).toBe('Budget review');
    expect(headerValue(original, 'message-id')).toBe('<m1@example.com>');
    expect(headerValue(original, 'Cc')).toBeNull();
  });

  it('is a multipart/report with a text part, one status block per recipient and the original headers', async () => {
    const dsn = buildDsn({
      reportingMta: 'mx.sealpost.test',
      mailDomain: 'sealpost.test',
      to: 'alice@example.com',
      originalHeaders: original,
      arrivalDate: new Date('2026-11-22T09:00:00Z'),
      now: new Date('2026-11-22T09:05:00Z'),
      failures: [
        {
          address: 'bob@example.org',
          status: '5.1.1',
          reason: 'The receiving server refused the message.',
          reply: '550 5.1.1 No such user',
          remoteMta: 'mx.example.org',
        },
        { address: 'carol@nullmx.example', status: '5.1.10', reason: 'The domain nullmx.example accepts no mail (Null MX).', reply: null, remoteMta: null },
      ],
    });
    const text = dsn.toString('utf8');
    expect(text).toMatch(/^Content-Type: multipart\/report; report-type=delivery-status; boundary="([^"]+)"$/m);
    expect(text).not.toMatch(/[^\r]\n/); // CRLF only
    const parsed = await simpleParser(dsn);
    expect(parsed.subject).toBe('Undelivered Mail Returned to Sender: Budget review');
    expect(parsed.inReplyTo).toBe('<m1@example.com>');
    expect(parsed.headers.get('auto-submitted')).toBe('auto-replied');
    expect(parsed.text).toContain('<bob@example.org>: The receiving server refused the message.');
    expect(parsed.text).toContain('mx.example.org said: 550 5.1.1 No such user');
    const status = text.slice(text.indexOf('Content-Type: message/delivery-status'), text.indexOf('Content-Type: text/rfc822-headers'));
    expect(status).toContain('Reporting-MTA: dns; mx.sealpost.test');
    const blocks = status.split('\r\n\r\n').filter((b) => b.includes('Final-Recipient'));
    expect(blocks).toHaveLength(2);
    expect(blocks[0]).toContain(
      'Final-Recipient: rfc822; bob@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\nRemote-MTA: dns; mx.example.org\r\nDiagnostic-Code: smtp; 550 5.1.1 No such user',
    );
    expect(blocks[1]).toContain('Final-Recipient: rfc822; carol@nullmx.example\r\nAction: failed\r\nStatus: 5.1.10\r\nLast-Attempt-Date:');
    expect(text).toContain(`Content-Type: text/rfc822-headers\r\n\r\n${original.toString()}`);
  });
});
