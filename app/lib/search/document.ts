import type { ParsedMessage } from '../mail/parse-message';
import { type SearchDoc, keptText } from './engine';

/** Body text indexed per message; the rest of a huge message is left out, to bound memory. */
export const MAX_BODY_CHARS = 100_000;

const names = (list: { name: string; address: string }[]) => list.map((a) => `${a.name} ${a.address}`.trim()).join(' ');

/**
 * What the index holds of one message. HTML is reduced to its text (`htmlToText`, injected: the page
 * uses DOMParser, tests a simple stripper). Quoted lines (starting with ">") go to their own field,
 * which counts for less.
 */
export function toSearchDoc(id: string, receivedAt: string, message: ParsedMessage, htmlToText: (html: string) => string): SearchDoc {
  const bodyText = (message.text ?? (message.html ? htmlToText(message.html) : '')).slice(0, MAX_BODY_CHARS);
  const fresh: string[] = [];
  const quoted: string[] = [];
  for (const line of bodyText.split(/\r?\n/)) (/^\s*>/.test(line) ? quoted : fresh).push(line.replace(/^[\s>]+/, ''));
  const subject = message.subject ?? '';
  const body = fresh.join('\n');
  const dated = message.date ? Date.parse(message.date) : Number.NaN;
  const filenames = message.attachments.flatMap((a) => (a.filename ? [a.filename] : []));
  return {
    id,
    subject,
    from: names(message.from),
    to: names([...message.to, ...message.cc]),
    filenames: filenames.join(' '),
    body,
    quoted: quoted.join('\n'),
    date: Number.isNaN(dated) ? Date.parse(receivedAt) : dated,
    hasAttachment: message.attachments.some((a) => !a.inline),
    text: keptText(subject, body),
  };
}

/** HTML to text in the page: DOMParser builds an inert document (no scripts run, nothing loads). */
export function htmlToTextInPage(html: string): string {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  for (const element of doc.querySelectorAll('style, script, head')) element.remove();
  for (const element of doc.querySelectorAll('br, p, div, li, tr, h1, h2, h3, blockquote')) element.append('\n');
  return doc.body?.textContent ?? '';
}
