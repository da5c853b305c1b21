import { describe, expect, it } from 'vitest';
import type { MessageSummary } from '@/mime/summary';
import { SUBJECT_WINDOW_MS, SubjectThreads, conversationKeyOf, importHmacKey, normalizeSubject, threadRoot } from './thread-key';

const summary = (over: Partial<MessageSummary>): MessageSummary => ({
  v: 1,
  from: [],
  to: [],
  cc: [],
  subject: 'Lunch',
  date: null,
  snippet: '',
  attachments: [],
  auth: { spf: 'none', dkim: 'none', dmarc: 'none', arc: 'none' },
  messageId: null,
  references: [],
  parsed: true,
  ...over,
});

describe('thread keys', () => {
  it('normalizes reply and forward prefixes, list tags, case and spaces', () => {
    expect(normalizeSubject('Re: Fwd: [team]  Lunch   plans')).toBe('lunch plans');
    expect(normalizeSubject('AW: RE[2]: lunch plans')).toBe('lunch plans');
    expect(normalizeSubject(null)).toBe('');
    expect(normalizeSubject('Re:')).toBe('');
  });

  it('roots a thread at the first Reference, so every reply shares the first message id', () => {
    const threads = new SubjectThreads();
    const t = Date.parse('2026-11-01T00:00:00Z');
    expect(threadRoot(summary({ messageId: '<a@x>' }), 'id1', t, threads)).toBe('<a@x>');
    expect(threadRoot(summary({ messageId: '<b@x>', references: ['<a@x>'] }), 'id2', t, threads)).toBe('<a@x>');
    expect(threadRoot(summary({ messageId: '<c@x>', references: ['<a@x>', '<b@x>'] }), 'id3', t, threads)).toBe('<a@x>');
  });

  it('falls back to the subject within the window, and to the message itself outside it', () => {
    const threads = new SubjectThreads();
    const t = Date.parse('2026-11-01T00:00:00Z');
    threadRoot(summary({ messageId: '<a@x>', subject: 'Lunch' }), 'id1', t, threads);
    expect(threadRoot(summary({ messageId: '<r@y>', subject: 'RE: lunch' }), 'id2', t + 3600_000, threads)).toBe('<a@x>');
    expect(threadRoot(summary({ messageId: '<late@y>', subject: 'Re: Lunch' }), 'id3', t + SUBJECT_WINDOW_MS * 3, threads)).toBe('<late@y>');
    expect(threadRoot(summary({ messageId: null, subject: '' }), 'id4', t, threads)).toBe('sealpost:id4');
    // Two first messages that happen to share a subject stay two conversations.
    expect(threadRoot(summary({ messageId: '<other@z>', subject: 'Lunch' }), 'id5', t, threads)).toBe('<other@z>');
  });

  it('keys the same root the same way under one key and differently under another, as 43 base64url characters', async () => {
    const one = await importHmacKey(new Uint8Array(32).fill(1));
    const two = await importHmacKey(new Uint8Array(32).fill(2));
    const key = await conversationKeyOf(one, '<a@x>');
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await conversationKeyOf(one, '<A@x>')).toBe(key);
    expect(await conversationKeyOf(two, '<a@x>')).not.toBe(key);
    expect(key).not.toContain('a@x');
  });
});
