import { describe, expect, it } from 'vitest';
import { SEGMENT_SIZE, type SearchDoc, SearchEngine, SearchRun, keptText } from './engine';
import { parseQuery } from './query';

let counter = 0;
const newId = () => `seg${counter++}`;

const doc = (id: string, over: Partial<SearchDoc> = {}): SearchDoc => {
  const subject = over.subject ?? `Subject ${id}`;
  const body = over.body ?? `plain body of ${id}`;
  return {
    id,
    subject,
    from: 'Zoe zoe@outside.example',
    to: 'alice@localhost',
    filenames: '',
    body,
    quoted: '',
    date: Date.UTC(2026, 10, 15),
    hasAttachment: false,
    text: keptText(subject, body),
    ...over,
  };
};

describe('SearchEngine', () => {
  it('finds words by prefix, narrows by operator, phrase and date, and ranks quoted text lower', () => {
    const engine = new SearchEngine(newId);
    engine.add([
      doc('a', { body: 'the quarterly figures are attached', from: 'Ann ann@example.org', hasAttachment: true, filenames: 'figures-q3.xlsx' }),
      doc('b', { body: 'figures quarterly are late', date: Date.UTC(2026, 9, 1) }),
      doc('c', { body: 'nothing here', quoted: '> the quarterly figures' }),
      doc('d', { subject: 'Quarterly review', body: 'see you there' }),
    ]);
    const ids = (q: string) => engine.search(parseQuery(q)).map((h) => h.id);
    expect(ids('quarterly figures').sort()).toEqual(['a', 'b', 'c']);
    expect(ids('quarterly figures')[2]).toBe('c'); // only quoted: weighed least
    expect(ids('quart')).toEqual(expect.arrayContaining(['a', 'b', 'c', 'd']));
    expect(ids('from:ann quarterly')).toEqual(['a']);
    expect(ids('has:attachment')).toEqual(['a']);
    expect(ids('filename:figures')).toEqual(['a']);
    expect(ids('before:2026-11-01 figures')).toEqual(['b']);
    expect(ids('after:2026-11-01 figures').sort()).toEqual(['a', 'c']);
    expect(ids('"quarterly figures"')).toEqual(['a']);
    expect(ids('subject:review')).toEqual(['d']);
    expect(ids('zzz')).toEqual([]);
    const hit = engine.search(parseQuery('figures'))[0]!;
    expect(hit.terms).toContain('figures');
    expect(hit.excerpt).toContain('figures');
  });

  it('splits into segments, writes only what changed, and a second engine loads them and finds the same', () => {
    const engine = new SearchEngine(newId);
    engine.add(Array.from({ length: SEGMENT_SIZE + 10 }, (_, i) => doc(`m${i}`)));
    engine.add([doc('needle', { body: 'a unique xylophone' })]);
    const first = engine.takeChanges();
    expect(first.segments).toHaveLength(2);
    expect(first.manifest).not.toBeNull();

    engine.remove(['m3']);
    const second = engine.takeChanges();
    expect(second.segments.map((s) => s.id)).toEqual([first.segments[0]!.id]);
    expect(engine.takeChanges()).toEqual({ segments: [], manifest: null });

    const other = new SearchEngine(newId);
    other.loadManifest(second.manifest!);
    expect(other.missingSegments().sort()).toEqual(first.segments.map((s) => s.id).sort());
    other.loadSegment(second.segments[0]!.id, second.segments[0]!.json!);
    other.loadSegment(first.segments[1]!.id, first.segments[1]!.json!);
    expect(other.search(parseQuery('xylophone')).map((h) => h.id)).toEqual(['needle']);
    expect(other.has('m3')).toBe(false);
    expect(other.size).toBe(SEGMENT_SIZE + 10);
  });

  it('drops a segment when its last message goes', () => {
    const engine = new SearchEngine(newId);
    engine.add([doc('only')]);
    const { segments } = engine.takeChanges();
    engine.remove(['only']);
    expect(engine.takeChanges().segments).toEqual([{ id: segments[0]!.id, json: null }]);
  });

  it('keeps decrypted segments within its memory bound, dropping the least recently used full one', () => {
    const engine = new SearchEngine(newId, 1);
    engine.add(Array.from({ length: SEGMENT_SIZE * 2 + 1 }, (_, i) => doc(`b${i}`, i === 3 ? { body: 'a rare ocelot' } : {})));
    const { segments } = engine.takeChanges();
    // Over the bound: the two full segments go (they are saved); the open one stays for new mail.
    expect(engine.missingSegments()).toHaveLength(2);
    expect(engine.search(parseQuery('ocelot'))).toEqual([]);
    const full = segments.find((s) => engine.missingSegments().includes(s.id) && s.json!.includes('ocelot'))!;
    engine.loadSegment(full.id, full.json!);
    const run = new SearchRun(parseQuery('ocelot'), 10);
    engine.searchIn(full.id, run);
    expect(run.hits().map((h) => h.id)).toEqual(['b3']);
    expect(engine.segmentsOf(['b3', 'b4'])).toEqual([full.id]);
  });
});
