/**
 * Splits plain-text mail into text and links, so URLs in it can be clicked. Only http(s) and
 * mailto links, and `www.` hosts (opened over https); the text is never parsed as HTML, so a link
 * can't carry markup or a `javascript:` URL. Trailing punctuation that ends a sentence, and a
 * closing bracket that has no opening one inside the URL, stay text: "(see https://x.test/a)."
 */
export type TextPart = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

const URL_PATTERN = /\b(?:https?:\/\/|mailto:|www\.)[^\s<>"]+/gi;
const TRAILING = /[.,;:!?'"*_]+$/;

function trimUrl(candidate: string): string {
  let url = candidate;
  for (;;) {
    const before = url;
    url = url.replace(TRAILING, '');
    for (const [open, close] of [
      ['(', ')'],
      ['[', ']'],
      ['{', '}'],
    ] as const) {
      if (url.endsWith(close) && url.split(open).length < url.split(close).length) url = url.slice(0, -1);
    }
    if (url === before) return url;
  }
}

function hrefOf(url: string): string | null {
  const href = /^www\./i.test(url) ? `https://${url}` : url;
  try {
    const parsed = new URL(href);
    if (parsed.protocol === 'mailto:') return parsed.pathname.includes('@') ? href : null;
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname.includes('.') ? href : null;
  } catch {
    // Not a URL after all (a stray "http://" in prose): it stays text.
    return null;
  }
}

export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const url = trimUrl(match[0]);
    const href = url ? hrefOf(url) : null;
    if (!href) continue;
    const start = match.index;
    if (start > last) parts.push({ kind: 'text', text: text.slice(last, start) });
    parts.push({ kind: 'link', text: url, href });
    last = start + url.length;
  }
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) });
  return parts;
}
