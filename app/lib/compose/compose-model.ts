import { type MessageSummary, messageSummary } from '@/mime/summary';
import type { ParsedMessage } from '../mail/parse-message';
import { type OutgoingMail, buildMessage, newMessageId } from '@/mime/build';
import { addressError } from '@/mime/address';
import type { Recipient } from './recipients';
import { type Signature, textWithoutSignature } from '../identities/identity-model';

/**
 * What the compose window holds, and how it becomes mail: the RFC 5322 message, the summary that
 * goes with it (the shape of mime/summary.ts), and a draft that resumes as it was.
 */
export interface DraftAttachment {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  content: Uint8Array;
}

export interface ComposeState {
  /** The saved draft this edits, once autosave made one. */
  draftId: string | null;
  from: string;
  to: Recipient[];
  cc: Recipient[];
  bcc: Recipient[];
  subject: string;
  mode: 'rich' | 'plain';
  /** The rich editor's HTML; in plain mode, unused. */
  html: string;
  /** The plain text: typed in plain mode, derived from the editor in rich mode. */
  text: string;
  attachments: DraftAttachment[];
  inReplyTo: string | null;
  references: string[];
  /** The display name on the From (the identity's); none when absent. */
  fromName?: string;
  /**
   * The signature compose put in the body, so a change of From can swap it: 'pending' until the
   * identities are decrypted; absent (a resumed draft) when unknown, and then it is left alone.
   */
  signature?: Signature | null | 'pending';
}

export function emptyCompose(from: string): ComposeState {
  return { draftId: null, from, to: [], cc: [], bcc: [], subject: '', mode: 'rich', html: '', text: '', attachments: [], inReplyTo: null, references: [] };
}

const DRAFT_MODE = 'X-Sealpost-Draft-Mode';

const box = (r: Recipient) => ({ name: r.name, address: r.address });

/** The message as recipients get it; `bcc` only for the sender's own copies. */
export function toOutgoingMail(state: ComposeState, options: { date: Date; messageId?: string; includeBcc: boolean }): OutgoingMail {
  return {
    from: { name: state.fromName ?? '', address: state.from },
    to: state.to.map(box),
    cc: state.cc.map(box),
    bcc: options.includeBcc ? state.bcc.map(box) : undefined,
    subject: state.subject,
    date: options.date,
    messageId: options.messageId ?? newMessageId(state.from),
    inReplyTo: state.inReplyTo,
    references: state.references,
    text: state.text,
    html: state.mode === 'rich' && state.html ? state.html : null,
    attachments: state.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
  };
}

/**
 * The list-view summary of mail made here: no MX checked it, so no authentication results. Built
 * through the same schema as the server's, which clips it the same way.
 */
export function summaryOf(mail: OutgoingMail): MessageSummary {
  return messageSummary.parse({
    v: 1,
    from: [mail.from],
    to: mail.to,
    cc: mail.cc,
    subject: mail.subject,
    date: mail.date.toISOString(),
    snippet: mail.text.replace(/\s+/g, ' ').trim().slice(0, 200),
    attachments: mail.attachments.map((a) => ({ filename: a.filename, size: a.content.length, contentType: a.contentType })),
    auth: { spf: 'none', dkim: 'none', dmarc: 'none', arc: 'none' },
    messageId: mail.messageId,
    references: threadOf(mail.references ?? [], mail.inReplyTo ?? null),
    parsed: true,
  });
}

/** References, then In-Reply-To when References doesn't end with it (as the MX writes it). */
function threadOf(references: string[], inReplyTo: string | null): string[] {
  return inReplyTo && references[references.length - 1] !== inReplyTo ? [...references, inReplyTo] : references;
}

/** A draft is an ordinary message (Bcc included) with one more field: which editor it was in. */
export function draftMessage(state: ComposeState, date: Date): { raw: Uint8Array; summary: MessageSummary } {
  const mail = toOutgoingMail(state, { date, includeBcc: true });
  mail.extraHeaders = [[DRAFT_MODE, state.mode]];
  return { raw: buildMessage(mail), summary: summaryOf(mail) };
}

export function stateFromDraft(message: ParsedMessage, draftId: string, mailDomain: string): ComposeState {
  const recipients = (list: { name: string; address: string }[]) => list.map((a) => ({ ...a, error: addressError(a.address, mailDomain) }));
  const mode = message.sealpostHeaders[DRAFT_MODE.toLowerCase()] === 'plain' || !message.html ? 'plain' : 'rich';
  return {
    draftId,
    from: message.from[0]?.address ?? '',
    fromName: message.from[0]?.name ?? '',
    to: recipients(message.to),
    cc: recipients(message.cc),
    bcc: recipients(message.bcc),
    subject: message.subject ?? '',
    mode,
    html: message.html ?? '',
    text: (message.text ?? '').replace(/\r\n/g, '\n').replace(/\n$/, ''),
    attachments: message.attachments.map((a, i) => ({
      id: `draft-${i}`,
      filename: a.filename ?? `attachment-${i + 1}`,
      contentType: a.mimeType,
      size: a.size,
      content: a.content,
    })),
    inReplyTo: message.inReplyTo,
    references: message.references,
  };
}

/** Nothing worth keeping: closing it needs no question and saves no draft. */
export function isBlank(state: ComposeState): boolean {
  const text = textWithoutSignature(state.text, state.signature);
  return !state.to.length && !state.cc.length && !state.bcc.length && !state.subject.trim() && !text.trim() && !state.attachments.length;
}

export function totalAttachmentBytes(state: ComposeState): number {
  return state.attachments.reduce((sum, a) => sum + a.size, 0);
}
