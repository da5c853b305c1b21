/**
 * `npm run bench:search-engine`: the search index's query path on its own, in Node (the same
 * MiniSearch segments the browser's search Worker holds), timed in CPU time, which a shared,
 * loaded machine doesn't inflate as it does wall time. Indexes MESSAGES messages of about BODY_KB
 * KB from bench:search's corpus, then runs QUERIES queries as bench:search does (a 4-letter prefix,
 * two words, one word) and prints p50 / p95 / max, how many segments a query searched, and the
 * index's size. No database, no browser.
 */
import os from 'node:os';
import { SearchEngine, SearchRun, keptText } from '../app/lib/search/engine';
import { parseQuery } from '../app/lib/search/query';
import { body, pick, queryWord } from './search-corpus';

const MESSAGES = Number(process.env.MESSAGES ?? 2000);
const BODY_KB = Number(process.env.BODY_KB ?? 20);
const QUERIES = Number(process.env.QUERIES ?? 90);

const cpuMs = (since: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
};
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))]!;

let segments = 0;
const engine = new SearchEngine(() => `s${segments++}`);
console.log(
  `load average (1/5/15 min): ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
let cpu = process.cpuUsage();
for (let i = 0; i < MESSAGES; i++) {
  const subject = `${pick()} ${pick()} ${i}`;
  const text = body(BODY_KB * 1024, i);
  engine.add([
    {
      id: `m${i}`,
      subject,
      from: 'Bulk bulk@outside.example',
      to: 'me me@localhost',
      filenames: '',
      body: text,
      quoted: '',
      date: Date.UTC(2026, 0, 1) + i * 600_000,
      hasAttachment: false,
      text: keptText(subject, text),
    },
  ]);
}
const buildMs = cpuMs(cpu);
const { segments: written } = engine.takeChanges();
const chars = written.reduce((sum, s) => sum + (s.json?.length ?? 0), 0);
console.log(
  `indexed ${MESSAGES} messages of ~${BODY_KB} KB: ${(buildMs / 1000).toFixed(1)} CPU-s (${((MESSAGES / buildMs) * 1000).toFixed(0)} msgs per CPU-second, MiniSearch alone); ${written.length} segments, ${(chars / 1048576).toFixed(1)} MiB of JSON`,
);

const times: number[] = [];
const slowest: { text: string; ms: number; hits: number }[] = [];
const kinds: Record<string, number[]> = { prefix: [], 'two words': [], word: [] };
for (let i = 0; i < QUERIES; i++) {
  const kind = (['prefix', 'two words', 'word'] as const)[i % 3]!;
  const text = kind === 'prefix' ? queryWord().slice(0, 4) : kind === 'two words' ? `${queryWord()} ${queryWord()}` : queryWord();
  cpu = process.cpuUsage();
  // As the search Worker does: every segment, the best 500, with excerpts.
  const run = new SearchRun(parseQuery(text), 500);
  for (const id of engine.segmentIds()) engine.searchIn(id, run);
  const hits = run.hits().length;
  const ms = cpuMs(cpu);
  times.push(ms);
  slowest.push({ text, ms, hits });
  kinds[kind]!.push(ms);
}
console.log(
  `query CPU time over ${QUERIES} queries, ${engine.segmentIds().length} segments each: p50 ${quantile(times, 0.5).toFixed(1)} ms, p95 ${quantile(times, 0.95).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms`,
);
for (const [kind, xs] of Object.entries(kinds)) console.log(`  ${kind}: p50 ${quantile(xs, 0.5).toFixed(1)} ms, p95 ${quantile(xs, 0.95).toFixed(1)} ms`);
const worst = slowest.sort((a, b) => b.ms - a.ms).slice(0, 3);
console.log(`  slowest: ${worst.map((q) => `"${q.text}" ${q.ms.toFixed(1)} ms (${q.hits} hits)`).join(', ')}`);
