/** The mail bench:search and bench:search-engine index: the same seeded corpus in both. */
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The corpus: Zipf-distributed words (the r-th most frequent drawn with probability ∝ 1/r), the
 * head being the real words of the project's test e-mails (bench/fixtures/mail-words.txt, by
 * frequency), the tail made-up words built from their letter trigrams, to VOCABULARY in all; plus, per message, a few
 * tokens of its own (order numbers, codes), as real mail has. Seeded: every run sends the same mail.
 */
const VOCABULARY = Number(process.env.VOCABULARY ?? 30_000);
let seed = 0x5ea1;
/** mulberry32: a seeded generator in 32-bit integer arithmetic. */
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};
const realWords = readFileSync(path.join(import.meta.dirname, 'fixtures/mail-words.txt'), 'utf8')
  .split('\n')
  .filter((w) => w && !w.startsWith('#'));
// The tail: words made letter by letter from the real words' trigrams, so they begin and branch
// as real words do (a typed prefix matches a handful of words, not hundreds).
const next = new Map<string, string[]>();
for (const word of realWords) {
  const padded = `^^${word}$`;
  for (let i = 2; i < padded.length; i++) {
    const context = padded.slice(i - 2, i);
    next.set(context, [...(next.get(context) ?? []), padded[i]!]);
  }
}
const made = () => {
  let word = '^^';
  while (word.length < 16) {
    const options = next.get(word.slice(-2))!;
    const c = options[Math.floor(random() * options.length)]!;
    if (c === '$') break;
    word += c;
  }
  return word.slice(2);
};
const vocabulary = [...realWords];
for (const seen = new Set(vocabulary); vocabulary.length < VOCABULARY; ) {
  const word = made();
  if (word.length >= 3 && !seen.has(word)) vocabulary.push(word), seen.add(word);
}
// Zipf with s = 1: the cumulative weights, and a binary search per pick.
const cumulative: number[] = [];
for (let r = 0, sum = 0; r < vocabulary.length; r++) cumulative.push((sum += 1 / (r + 1)));
const pickRank = (from = 0) => {
  const lo0 = cumulative[from - 1] ?? 0;
  const x = lo0 + random() * (cumulative[cumulative.length - 1]! - lo0);
  let lo = from;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};
export const pick = () => vocabulary[pickRank()]!;
/** What people search for: not "the", but a word from rank 100 on (still Zipf). */
export const queryWord = () => vocabulary[pickRank(100)]!;

export function body(bytes: number, n: number): string {
  const lines: string[] = [];
  let size = 0;
  while (size < bytes) {
    const line = Array.from({ length: 12 }, pick).join(' ');
    lines.push(line);
    size += line.length + 1;
  }
  lines.splice(1, 0, `Order ${100_000 + n}, reference ${(n * 7919).toString(36)}-${n % 97}.`);
  return lines.join('\n');
}
