/**
 * The search box's language: free words (prefix-matched as you type), "quoted phrases", and the
 * operators people know from other mail clients. Plain module: parsed in the page, run in the Worker.
 */
export interface SearchQuery {
  /** Free words, lowercased; each must match (the last one as a prefix). */
  words: string[];
  /** Quoted phrases, lowercased, whitespace collapsed; each must appear as written. */
  phrases: string[];
  from: string[];
  to: string[];
  subject: string[];
  filename: string[];
  hasAttachment: boolean;
  /** Epoch ms: messages dated strictly before / on or after. */
  before: number | null;
  after: number | null;
  folder: string | null;
  unread: boolean;
  /** Parts of the query that were not understood, to show to the person typing. */
  problems: string[];
}

const OPERATORS = ['from', 'to', 'subject', 'filename', 'has', 'before', 'after', 'in', 'is'] as const;

/** Splits on spaces outside quotes: `from:ann "big news" x` → ['from:ann', '"big news"', 'x']. */
function tokens(input: string): string[] {
  const out: string[] = [];
  const re = /(\w+:)?"([^"]*)"?|\S+/g;
  for (const match of input.matchAll(re)) out.push(match[0]);
  return out;
}

/** A date operand: YYYY-MM-DD, YYYY/MM/DD or YYYY-MM, read as UTC midnight. */
export function parseDate(value: string): number | null {
  const match = /^(\d{4})[-/](\d{1,2})(?:[-/](\d{1,2}))?$/.exec(value);
  if (!match) return null;
  const month = Number(match[2]);
  const day = Number(match[3] ?? 1);
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const time = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3] ?? 1));
  return Number.isNaN(time) ? null : time;
}

const unquote = (value: string) => value.replace(/^"|"$/g, '').trim().toLowerCase();

export function parseQuery(input: string): SearchQuery {
  const query: SearchQuery = {
    words: [],
    phrases: [],
    from: [],
    to: [],
    subject: [],
    filename: [],
    hasAttachment: false,
    before: null,
    after: null,
    folder: null,
    unread: false,
    problems: [],
  };
  for (const token of tokens(input.slice(0, 1000))) {
    const operator = /^(\w+):(.*)$/s.exec(token);
    const name = operator?.[1]?.toLowerCase();
    if (operator && name && (OPERATORS as readonly string[]).includes(name)) {
      const value = unquote(operator[2] ?? '');
      if (!value) continue;
      switch (name) {
        case 'from':
        case 'to':
        case 'subject':
        case 'filename':
          query[name].push(value);
          break;
        case 'has':
          if (value === 'attachment' || value === 'attachments') query.hasAttachment = true;
          else query.problems.push(`has:${value} (try has:attachment)`);
          break;
        case 'is':
          if (value === 'unread') query.unread = true;
          else query.problems.push(`is:${value} (try is:unread)`);
          break;
        case 'in':
          query.folder = value;
          break;
        case 'before':
        case 'after': {
          const date = parseDate(value);
          if (date === null) query.problems.push(`${name}:${value} (use a date like 2026-11-30)`);
          else query[name] = date;
          break;
        }
      }
      continue;
    }
    if (token.startsWith('"')) {
      const phrase = unquote(token).replace(/\s+/g, ' ');
      if (phrase) query.phrases.push(phrase);
      continue;
    }
    const word = token.toLowerCase();
    if (word) query.words.push(word);
  }
  return query;
}

/** True when the query asks for nothing at all (an empty box, or only problems). */
export function isEmptyQuery(query: SearchQuery): boolean {
  return (
    !query.words.length &&
    !query.phrases.length &&
    !query.from.length &&
    !query.to.length &&
    !query.subject.length &&
    !query.filename.length &&
    !query.hasAttachment &&
    query.before === null &&
    query.after === null &&
    query.folder === null &&
    !query.unread
  );
}
