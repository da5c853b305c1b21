import type { MailAddress, ParsedAttachment, ParsedMessage } from '../mail/parse-message';
import { addressError } from '@/mime/address';
import type { Recipient } from './recipients';

/**
 * Replies and forwards: who they go to, their subject, the thread headers, and the quoted text.
 * The original is quoted as text (escaped into HTML for the rich editor), never as its HTML, and
 * a PGP block inside it stays the text it is: nothing here decrypts anything.
 */
export type ReplyMode = 'reply' | 'reply-all' | 'forward';

export interface ReplyStart {
  to: Recipient[];
  cc: Recipient[];
  subject: string;
  inReplyTo: string | null;
  references: string[];
  /** Editor content (rich) and the same as plain text. */
  html: string;
  text: string;
  /** Forwarded attachments (inline images of an HTML body are left behind). */
  attachments: ParsedAttachment[];
  /** The own address or alias the original was received at: the natural From of the reply. */
  from: string | null;
}

const PREFIX = { reply: 'Re:', 'reply-all': 'Re:', forward: 'Fwd:' } as const;

export function prefixedSubject(subject: string | null, mode: ReplyMode): string {
  const clean = (subject ?? '').trim();
  const prefix = PREFIX[mode];
  const already = mode === 'forward' ? /^(fwd?|tr|wg):/i : /^(re|aw|sv):/i;
  return already.test(clean) ? clean : `${prefix} ${clean}`.trim();
}

export const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Plain text as editor paragraphs: blank lines separate paragraphs, single new lines break. */
export function textToHtml(text: string): string {
  const paragraphs = text.replace(/\r\n?/g, '\n').split(/\n{2,}/);
  return paragraphs.map((p) => `<p>${p.split('\n').map(escapeHtml).join('<br>')}</p>`).join('');
}

const person = (a: MailAddress) => (a.name ? `${a.name} <${a.address}>` : a.address);
const toRecipient = (a: MailAddress): Recipient => ({ name: a.name, address: a.address, error: addressError(a.address, a.address.split('@')[1]) });

function quotedText(message: ParsedMessage): string {
  // The text part, or a crude text of the HTML part when there is none (tags dropped, never rendered).
  return (
    message.text ??
    (message.html ?? '')
      .replace(/<(style|script)[\s\S]*?<\/\1>/gi, '')
      .replace(/<[^>]+>/g, ' ')
      .replace(/[ \t]+/g, ' ')
  ).trim();
}

export function startReply(message: ParsedMessage, mode: ReplyMode, ownAddresses: string[], formatDate: (iso: string | null) => string | null): ReplyStart {
  const own = new Set(ownAddresses.map((a) => a.toLowerCase()));
  const isOwn = (a: MailAddress) => own.has(a.address.toLowerCase());
  const sentByMe = message.from.some(isOwn);
  // Where it was received: an envelope recipient the path recorded, else the first own address in To or Cc.
  const ownRecipient = (message.deliveredTo ?? []).find((a) => own.has(a)) ?? [...message.to, ...message.cc].find(isOwn)?.address.toLowerCase();

  let to: MailAddress[] = [];
  let cc: MailAddress[] = [];
  if (mode !== 'forward') {
    // Replying to one's own message (from Sent) goes to its recipients again, as mail clients do.
    const author = message.replyTo.length ? message.replyTo : message.from;
    to = sentByMe ? message.to : author;
    if (mode === 'reply-all') cc = [...(sentByMe ? [] : message.to), ...message.cc].filter((a) => !isOwn(a));
  }
  const unique = new Set<string>();
  const keep = (a: MailAddress) => {
    const key = a.address.toLowerCase();
    if (!a.address || unique.has(key)) return false;
    unique.add(key);
    return true;
  };
  to = to.filter(keep);
  cc = cc.filter(keep);

  const date = formatDate(message.date);
  const original = quotedText(message);
  let text: string;
  let html: string;
  if (mode === 'forward') {
    const lines = [
      '---------- Forwarded message ----------',
      `From: ${message.from.map(person).join(', ')}`,
      ...(date ? [`Date: ${date}`] : []),
      `Subject: ${message.subject ?? ''}`,
      ...(message.to.length ? [`To: ${message.to.map(person).join(', ')}`] : []),
      ...(message.cc.length ? [`Cc: ${message.cc.map(person).join(', ')}`] : []),
    ];
    text = `\n\n${lines.join('\n')}\n\n${original}`;
    html = `<p></p><p>${lines.map(escapeHtml).join('<br>')}</p>${textToHtml(original)}`;
  } else {
    const who = message.from.map((a) => a.name || a.address).join(', ') || 'someone';
    const intro = date ? `On ${date}, ${who} wrote:` : `${who} wrote:`;
    text = `\n\n${intro}\n${original
      .split(/\r?\n/)
      .map((l) => (l ? `> ${l}` : '>'))
      .join('\n')}`;
    html = `<p></p><p>${escapeHtml(intro)}</p><blockquote>${textToHtml(original)}</blockquote>`;
  }

  const references = [...message.references];
  if (message.messageId && !references.includes(message.messageId)) references.push(message.messageId);
  return {
    to: to.map(toRecipient),
    cc: cc.map(toRecipient),
    subject: prefixedSubject(message.subject, mode),
    inReplyTo: mode === 'forward' ? null : message.messageId,
    references: mode === 'forward' ? [] : references.slice(-20),
    html,
    text,
    attachments: mode === 'forward' ? message.attachments.filter((a) => !a.inline) : [],
    from: ownRecipient ?? null,
  };
}
