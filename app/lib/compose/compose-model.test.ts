import { describe, expect, it } from 'vitest';
import { parseMessage } from '../mail/parse-message';
import { readSummary } from '../mail/summary-reader';
import { type ComposeState, draftMessage, emptyCompose, isBlank, stateFromDraft, summaryOf, toOutgoingMail } from './compose-model';
import { parseRecipients } from './recipients';

function state(overrides: Partial<ComposeState> = {}): ComposeState {
  return {
    ...emptyCompose('me@localhost'),
    to: parseRecipients('Bob <bob@localhost>', 'localhost'),
    cc: parseRecipients('carol@example.org'),
    bcc: parseRecipients('hidden@example.org'),
    subject: 'Lunch?',
    html: '<p>Shall we <strong>eat</strong>?</p>',
    text: 'Shall we eat?',
    attachments: [{ id: 'a', filename: 'menu.txt', contentType: 'text/plain', size: 4, content: new TextEncoder().encode('soup') }],
    inReplyTo: '<p@example.org>',
    references: ['<p@example.org>'],
    ...overrides,
  };
}

describe('compose model', () => {
  it('a draft resumes as it was: recipients with Bcc, subject, editor mode, body, attachments, thread', async () => {
    const original = state();
    const { raw } = draftMessage(original, new Date('2026-11-21T10:00:00Z'));
    const parsed = await parseMessage(raw);
    if (parsed.status !== 'ok') throw new Error(parsed.reason);
    const resumed = stateFromDraft(parsed.message, 'draft-id', 'localhost');
    expect(resumed).toMatchObject({
      draftId: 'draft-id',
      from: 'me@localhost',
      subject: 'Lunch?',
      mode: 'rich',
      text: 'Shall we eat?',
      inReplyTo: '<p@example.org>',
      references: ['<p@example.org>'],
    });
    expect(resumed.html).toContain('<strong>eat</strong>');
    expect([resumed.to, resumed.cc, resumed.bcc].map((l) => l.map((r) => [r.name, r.address, r.error]))).toEqual([
      [['Bob', 'bob@localhost', null]],
      [['', 'carol@example.org', null]],
      [['', 'hidden@example.org', null]],
    ]);
    expect(resumed.attachments.map((a) => [a.filename, a.contentType, new TextDecoder().decode(a.content)])).toEqual([['menu.txt', 'text/plain', 'soup']]);

    const plain = await parseMessage(draftMessage(state({ mode: 'plain' }), new Date()).raw);
    if (plain.status !== 'ok') throw new Error(plain.reason);
    expect(stateFromDraft(plain.message, 'd', 'localhost').mode).toBe('plain');
    expect(plain.message.html).toBeNull();
  });

  it('what recipients get has no Bcc; the summary reads back through the inbox’s own checks', () => {
    const mail = toOutgoingMail(state(), { date: new Date('2026-11-21T10:00:00Z'), includeBcc: false });
    expect(mail.bcc).toBeUndefined();
    const summary = summaryOf(mail);
    const read = readSummary({ status: 'ok', data: new TextEncoder().encode(JSON.stringify(summary)) });
    expect(read).toEqual({ status: 'ok', summary });
    expect(summary).toMatchObject({ subject: 'Lunch?', snippet: 'Shall we eat?', attachments: [{ filename: 'menu.txt', size: 4, contentType: 'text/plain' }] });
    expect(JSON.stringify(summary)).not.toContain('hidden@example.org');
  });

  it('knows a blank message', () => {
    expect(isBlank(emptyCompose('me@localhost'))).toBe(true);
    expect(isBlank({ ...emptyCompose('me@localhost'), text: ' x ' })).toBe(false);
  });
});
