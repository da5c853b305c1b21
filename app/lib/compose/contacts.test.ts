import { describe, expect, it } from 'vitest';
import { testSummary } from '@/testing/mail';
import { correspondentsOf, suggest } from './contacts';

describe('correspondents', () => {
  const summaries = [
    testSummary({ from: [{ name: 'Alice Example', address: 'alice@example.com' }], to: [{ name: '', address: 'me@localhost' }] }),
    testSummary({
      from: [{ name: '', address: 'me@localhost' }],
      to: [
        { name: '', address: 'ALICE@example.com' },
        { name: 'Bob Builder', address: 'bob@example.org' },
      ],
      cc: [{ name: '', address: 'carol@corp.example' }],
    }),
    testSummary({ from: [{ name: 'Bob Builder', address: 'bob@example.org' }], to: [{ name: '', address: 'my-alias@localhost' }] }),
  ];

  it('collects everyone once, most frequent first, never the user', () => {
    const list = correspondentsOf(summaries, ['me@localhost', 'my-alias@localhost']);
    expect(list).toEqual([
      { name: 'Alice Example', address: 'alice@example.com', count: 2 },
      { name: 'Bob Builder', address: 'bob@example.org', count: 2 },
      { name: '', address: 'carol@corp.example', count: 1 },
    ]);
  });

  it('suggests by the start of any word of the name or address, leaving out chosen ones', () => {
    const list = correspondentsOf(summaries, ['me@localhost', 'my-alias@localhost']);
    expect(suggest('bui', list, []).map((c) => c.address)).toEqual(['bob@example.org']);
    expect(suggest('corp', list, []).map((c) => c.address)).toEqual(['carol@corp.example']);
    expect(suggest('a', list, ['alice@example.com']).map((c) => c.address)).toEqual([]);
    expect(suggest('  ', list, [])).toEqual([]);
  });
});
