/**
 * The encodings an outgoing RFC 5322 / MIME message needs, on plain strings and Uint8Array (this
 * runs in the browser): RFC 2047 encoded words, RFC 2231 parameters, quoted-printable, base64.
 */
const encoder = new TextEncoder();

const isPrintableAscii = (text: string) => /^[\x20-\x7e]*$/.test(text);

/** Base64 of bytes in lines of 76 characters, CRLF-separated (RFC 2045 6.8). */
export function base64Lines(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  const encoded = btoa(binary);
  const lines: string[] = [];
  for (let i = 0; i < encoded.length; i += 76) lines.push(encoded.slice(i, i + 76));
  return lines.join('\r\n');
}

/**
 * RFC 2047 'B' encoded words for a header value that is not plain ASCII, each at most 75
 * characters, split only between whole characters so no word holds half a UTF-8 sequence.
 */
export function encodeWords(text: string): string {
  if (isPrintableAscii(text)) return text;
  const words: string[] = [];
  let chunk = '';
  for (const char of text) {
    const next = chunk + char;
    // =?UTF-8?B?...?= is 12 characters around the base64 of at most 39 bytes (52 characters):
    // with "Subject: " before it, the first line stays under 78 columns.
    if (encoder.encode(next).length > 39) {
      words.push(chunk);
      chunk = char;
    } else {
      chunk = next;
    }
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${base64Lines(encoder.encode(w)).replace(/\r\n/g, '')}?=`).join('\r\n ');
}

/**
 * A display name as a phrase: ASCII as a quoted-string ("Ada Lovelace", valid whatever specials it
 * holds), anything non-ASCII as RFC 2047 encoded words (which may not appear inside quotes).
 */
export function encodeDisplayName(name: string): string {
  const clean = Array.from(name.replace(/[\r\n\t]+/g, ' '))
    .filter((c) => c >= ' ' && c !== '\u007f')
    .join('')
    .trim();
  if (!clean) return '';
  if (!isPrintableAscii(clean)) return encodeWords(clean);
  return `"${clean.replace(/(["\\])/g, '\\$1')}"`;
}

export interface Mailbox {
  name: string;
  address: string;
}

export function formatMailbox(box: Mailbox): string {
  const name = encodeDisplayName(box.name);
  return name ? `${name} <${box.address}>` : box.address;
}

/** An address list header value, folded after each comma so long lists stay under 78 columns. */
export function formatMailboxList(list: Mailbox[]): string {
  return list.map(formatMailbox).join(',\r\n ');
}

/** A MIME parameter (RFC 2231 for non-ASCII): name="value" or name*=utf-8''%xx. */
export function mimeParameter(name: string, value: string): string {
  const clean = value.replace(/[\r\n\t]+/g, ' ');
  if (isPrintableAscii(clean)) return `${name}="${clean.replace(/(["\\])/g, '\\$1')}"`;
  const percent = Array.from(encoder.encode(clean), (b) =>
    /[A-Za-z0-9!#$&+.^_`|~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
  ).join('');
  return `${name}*=utf-8''${percent}`;
}

/** Quoted-printable (RFC 2045 6.7) of UTF-8 text with CRLF line ends; lines at most 76 characters. */
export function quotedPrintable(text: string): string {
  const lines = text.replace(/\r\n|\r|\n/g, '\n').split('\n');
  return lines
    .map((line) => {
      const bytes = encoder.encode(line);
      const tokens: string[] = [];
      bytes.forEach((b, i) => {
        const last = i === bytes.length - 1;
        const safe = (b >= 33 && b <= 126 && b !== 61) || ((b === 32 || b === 9) && !last);
        tokens.push(safe ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`);
      });
      // A leading dot would meet SMTP dot-stuffing, and "From " mbox quoting: encode them.
      if (tokens[0] === '.') tokens[0] = '=2E';
      if (line.startsWith('From ')) tokens[0] = '=46';
      const out: string[] = [];
      let current = '';
      for (const token of tokens) {
        if (current.length + token.length > 75) {
          out.push(`${current}=`);
          current = '';
        }
        current += token;
      }
      out.push(current);
      return out.join('\r\n');
    })
    .join('\r\n');
}

/** RFC 5322 date-time in UTC: the sender's time zone stays private. */
export function formatDate(date: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${days[date.getUTCDay()]}, ${date.getUTCDate()} ${months[date.getUTCMonth()]} ${date.getUTCFullYear()} ${pad(date.getUTCHours())}:${pad(
    date.getUTCMinutes(),
  )}:${pad(date.getUTCSeconds())} +0000`;
}
