import { describe, expect, it } from 'vitest';
import { checkHeaderFrom } from './submission.service';
import { renderContent } from './templates';
import { signWebhook, verifyWebhook } from './webhook-signature';
import { checkHeaders } from './build-mime';

describe('templates', () => {
  it('escapes HTML variables, leaves the subject and text alone, and makes a text part from the HTML', () => {
    const out = renderContent(null, { subject: 'Hi {{name}}', html: '<p>Hi {{name}}</p><p>{{{trusted}}}</p>' }, { name: '<b>&', trusted: '<i>ok</i>' });
    expect(out.subject).toBe('Hi <b>&');
    expect(out.html).toBe('<p>Hi &lt;b&gt;&amp;</p><p><i>ok</i></p>');
    expect(out.text).toContain('Hi <b>&');
  });

  it('never reaches prototype properties and keeps a subject on one line', () => {
    const out = renderContent(null, { subject: '{{a}}', text: '{{constructor.name}}|{{__proto__}}' }, { a: 'x\r\nBcc: evil@example.com' });
    expect(out.subject).toBe('x Bcc: evil@example.com');
    expect(out.text).toBe('|');
  });
});

describe('webhook signatures', () => {
  it('verify with the secret and the raw body, and refuse a stale timestamp or a changed body', () => {
    const header = signWebhook('whsec_a', '{"id":"evt_1"}', 1_000_000);
    expect(verifyWebhook('whsec_a', '{"id":"evt_1"}', header, 1_000_100)).toEqual({ ok: true, timestamp: 1_000_000 });
    expect(verifyWebhook('whsec_a', '{"id":"evt_1"}', header, 1_000_301)).toEqual({ ok: false, reason: 'too-old' });
    expect(verifyWebhook('whsec_a', '{"id":"evt_2"}', header, 1_000_000)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verifyWebhook('whsec_a', '{}', 'nonsense', 1_000_000)).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('submitted and composed headers', () => {
  it('takes one header From of the key’s domain only', () => {
    const msg = (from: string) => Buffer.from(`${from}\r\nSubject: x\r\n\r\nbody\r\n`);
    expect(checkHeaderFrom(msg('From: Shop <orders@shop.example>'), 'shop.example')).toBe('orders@shop.example');
    expect(() => checkHeaderFrom(msg('From: boss@other.example'), 'shop.example')).toThrow(/must be an address of shop.example/);
    expect(() => checkHeaderFrom(msg('From: a@shop.example, b@shop.example'), 'shop.example')).toThrow(/exactly one address/);
    expect(() => checkHeaderFrom(msg('X-Nothing: 1'), 'shop.example')).toThrow(/exactly one From/);
  });

  it('refuses custom headers that the server owns or that break lines', () => {
    expect(checkHeaders({ 'List-Unsubscribe': '<mailto:u@shop.example>', 'X-Order': '17' })).toBeTruthy();
    expect(() => checkHeaders({ Bcc: 'a@b.c' })).toThrow(/set by the server/);
    expect(() => checkHeaders({ 'X-A': 'v\r\nBcc: a@b.c' })).toThrow(/line breaks/);
    expect(() => checkHeaders({ 'Bad Name': 'v' })).toThrow(/not a valid header name/);
  });
});
