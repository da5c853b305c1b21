import type { MessageSummary, SummaryAddress } from '@/mime/summary';

/**
 * Recipient suggestions from past correspondents: the From, To and Cc of every summary this tab
 * has decrypted (received and sent mail). Built on demand from memory; never stored or uploaded.
 */
export interface Correspondent {
  name: string;
  address: string;
  /** How many messages they appear on: more often first. */
  count: number;
}

export function correspondentsOf(summaries: MessageSummary[], ownAddresses: string[]): Correspondent[] {
  const own = new Set(ownAddresses.map((a) => a.toLowerCase()));
  const found = new Map<string, Correspondent>();
  const note = (entry: SummaryAddress) => {
    const address = entry.address.trim();
    const key = address.toLowerCase();
    if (!address.includes('@') || own.has(key)) return;
    const known = found.get(key);
    if (known) {
      known.count++;
      if (!known.name && entry.name) known.name = entry.name;
    } else {
      found.set(key, { name: entry.name.trim(), address, count: 1 });
    }
  };
  for (const summary of summaries) {
    // A summary that failed to parse holds only the envelope sender: still a correspondent.
    for (const entry of [...summary.from, ...summary.to, ...summary.cc]) note(entry);
  }
  return [...found.values()].sort((a, b) => b.count - a.count || a.address.localeCompare(b.address));
}

/** Correspondents whose name or address has a word starting with `query`, minus those already chosen. */
export function suggest(query: string, correspondents: Correspondent[], exclude: string[], limit = 8): Correspondent[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const excluded = new Set(exclude.map((a) => a.toLowerCase()));
  const matches = (c: Correspondent) =>
    c.address.toLowerCase().startsWith(q) ||
    `${c.name} ${c.address}`
      .toLowerCase()
      .split(/[\s@.<>_+-]+/)
      .some((word) => word.startsWith(q));
  return correspondents.filter((c) => !excluded.has(c.address.toLowerCase()) && matches(c)).slice(0, limit);
}
