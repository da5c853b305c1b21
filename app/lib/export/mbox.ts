/**
 * The mbox format, mboxrd flavour (the one that round-trips): each message follows a
 * `From <sender> <asctime date>` separator line and ends with an empty line; a body line that starts
 * with any number of `>` and then `From ` gets one more `>` on the way out and loses one on the way
 * in, so a message's own "From " lines can never split it. The message's bytes are otherwise kept
 * as they are (CRLF stays CRLF), so what is imported is byte for byte what was exported.
 */
const NL = 0x0a;
const GT = 0x3e;
const FROM_ = [0x46, 0x72, 0x6f, 0x6d, 0x20]; // "From "

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** asctime(3) in UTC: `Thu Dec  3 11:40:22 2026`. */
export function asctime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${String(date.getUTCDate()).padStart(2, ' ')} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} ${date.getUTCFullYear()}`;
}

/** Whether bytes[i..] is `>*From `: the lines mboxrd quotes. */
function isFromLine(bytes: Uint8Array, i: number): boolean {
  let j = i;
  while (j < bytes.length && bytes[j] === GT) j++;
  for (let k = 0; k < FROM_.length; k++) if (bytes[j + k] !== FROM_[k]) return false;
  return true;
}

/** One message as an mbox entry: separator, quoted body, and the empty line that ends it. */
export function mboxEntry(raw: Uint8Array, date: Date): Uint8Array {
  const separator = new TextEncoder().encode(`From MAILER-DAEMON ${asctime(date)}\n`);
  let quotes = 0;
  for (let i = 0; i < raw.length; i = raw.indexOf(NL, i) + 1 || raw.length) if (isFromLine(raw, i)) quotes++;
  const endsWithNewline = raw.length > 0 && raw[raw.length - 1] === NL;
  const out = new Uint8Array(separator.length + raw.length + quotes + (endsWithNewline ? 0 : 1) + 1);
  out.set(separator, 0);
  let o = separator.length;
  let start = 0;
  while (start < raw.length) {
    const nl = raw.indexOf(NL, start);
    const end = nl === -1 ? raw.length : nl + 1;
    if (isFromLine(raw, start)) out[o++] = GT;
    out.set(raw.subarray(start, end), o);
    o += end - start;
    start = end;
  }
  if (!endsWithNewline) out[o++] = NL;
  out[o++] = NL;
  return out;
}

/** Messages read from an mbox; `end` is the byte offset just past it, where a resumed read starts. */
export interface MboxMessage {
  raw: Uint8Array;
  /** The separator line's date, when it has one: a fallback for mail without a Date header. */
  separatorDate: Date | null;
  end: number;
}

function parseSeparatorDate(line: string): Date | null {
  // "From sender Thu Dec  3 11:40:22 2026": the date is what follows the sender.
  const match = /^From \S*\s+(\w{3} \w{3}\s+\d{1,2} \d{2}:\d{2}:\d{2} \d{4})/.exec(line);
  if (!match) return null;
  const date = new Date(`${match[1]!.replace(/\s+/g, ' ')} UTC`);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * Reads an mbox a chunk at a time, holding one message in memory at once. `offset` is where the
 * stream starts in the file (a resumed import slices the file there), so `end` counts from the
 * file's start. A message over `maxMessageBytes` throws: the caller says which and stops.
 */
export async function* readMbox(stream: ReadableStream<Uint8Array>, options: { offset?: number; maxMessageBytes: number }): AsyncGenerator<MboxMessage> {
  const reader = stream.getReader();
  let position = options.offset ?? 0;
  let pending = new Uint8Array(0);
  let lines: Uint8Array[] = [];
  let size = 0;
  let separatorDate: Date | null = null;
  let started = false;

  const finish = (): MboxMessage | null => {
    if (!started) return null;
    // The empty line before the next separator belongs to the format, not the message.
    let last = lines.length;
    if (last > 0 && (lines[last - 1]!.length === 1 || (lines[last - 1]!.length === 2 && lines[last - 1]![0] === 0x0d))) last--;
    const raw = new Uint8Array(lines.slice(0, last).reduce((n, l) => n + l.length, 0));
    let o = 0;
    for (const line of lines.slice(0, last)) {
      raw.set(line, o);
      o += line.length;
    }
    return { raw, separatorDate, end: position };
  };

  const takeLine = (line: Uint8Array): MboxMessage | null => {
    let done: MboxMessage | null = null;
    if (isFromLine(line, 0) && line[0] !== GT) {
      done = finish();
      started = true;
      separatorDate = parseSeparatorDate(new TextDecoder().decode(line.subarray(0, 200)).trimEnd());
      lines = [];
      size = 0;
    } else if (started) {
      const unquoted = line[0] === GT && isFromLine(line, 0) ? line.subarray(1) : line;
      size += unquoted.length;
      if (size > options.maxMessageBytes) throw new MboxError(`A message in the file is over ${Math.floor(options.maxMessageBytes / 1048576)} MB.`);
      lines.push(unquoted.slice());
    } else if (line.length > 0 && !(line.length === 1 && line[0] === NL)) {
      throw new MboxError('This is not an mbox file: it does not start with a "From " line.');
    }
    position += line.length;
    return done;
  };

  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    const chunk = pending.length ? concat(pending, value) : value;
    let start = 0;
    for (let nl = chunk.indexOf(NL, start); nl !== -1; nl = chunk.indexOf(NL, start)) {
      const message = takeLine(chunk.subarray(start, nl + 1));
      start = nl + 1;
      if (message) yield message;
    }
    pending = chunk.slice(start);
    if (pending.length > options.maxMessageBytes) throw new MboxError('The file has a line longer than a whole message may be.');
  }
  if (pending.length) {
    const message = takeLine(pending);
    if (message) yield message;
  }
  const last = finish();
  if (last) yield last;
}

export class MboxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MboxError';
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
