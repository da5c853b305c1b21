import { describe, expect, it } from 'vitest';
import { addRecipients, parseRecipients, splitRecipients } from './recipients';

describe('parseRecipients', () => {
  it('splits pasted lists on commas, semicolons and new lines, but not inside quotes or brackets', () => {
    expect(parseRecipients('a@example.org, "Doe, Jane" <jane@example.org>; <b@example.org>\nBob Smith <bob@localhost>', 'localhost')).toEqual([
      { name: '', address: 'a@example.org', error: null },
      { name: 'Doe, Jane', address: 'jane@example.org', error: null },
      { name: '', address: 'b@example.org', error: null },
      { name: 'Bob Smith', address: 'bob@localhost', error: null },
    ]);
  });

  it('marks what is not an address, and a bare host unless it is the mail domain', () => {
    const [bad, noDomain, local, spaced] = parseRecipients('not an address, joe@intranet, joe@localhost, mailto:x@example.org', 'localhost');
    expect(bad!.error).toMatch(/isn't an email address/);
    expect(noDomain!.error).toMatch(/no complete domain/);
    expect(local!.error).toBeNull();
    expect(spaced).toEqual({ name: '', address: 'x@example.org', error: null });
    expect(parseRecipients(' , ;')).toEqual([]);
  });
});

describe('addRecipients', () => {
  it('drops an address already present in any field, whatever its case', () => {
    const start = { to: parseRecipients('a@example.org'), cc: [], bcc: [] };
    const next = addRecipients(start, 'cc', parseRecipients('A@Example.org, c@example.org, c@example.org'));
    expect(next.cc.map((r) => r.address)).toEqual(['c@example.org']);
    expect(next.to).toHaveLength(1);
  });
});

describe('splitRecipients', () => {
  it('sorts a mixed list by kind, keeping the field each came from', () => {
    const fields = {
      to: parseRecipients('bob@localhost, ext@example.org', 'localhost'),
      cc: parseRecipients('pgp@example.net'),
      bcc: parseRecipients('hidden@localhost, nobody@localhost', 'localhost'),
    };
    const split = splitRecipients(fields, [
      { address: 'bob@localhost', kind: 'internal', publicKey: 'KEY-BOB' },
      { address: 'ext@example.org', kind: 'external' },
      { address: 'PGP@example.net', kind: 'external-pgp', publicKey: 'KEY-PGP', source: 'wkd' },
      { address: 'hidden@localhost', kind: 'internal', publicKey: 'KEY-HIDDEN' },
      { address: 'nobody@localhost', kind: 'invalid', reason: 'There is no such mailbox on this server.' },
    ]);
    expect(split.internal.map((r) => [r.recipient.address, r.field, r.publicKey])).toEqual([
      ['bob@localhost', 'to', 'KEY-BOB'],
      ['hidden@localhost', 'bcc', 'KEY-HIDDEN'],
    ]);
    expect(split.external.map((r) => [r.recipient.address, r.field])).toEqual([['ext@example.org', 'to']]);
    expect(split.externalPgp.map((r) => [r.recipient.address, r.field, r.publicKey])).toEqual([['pgp@example.net', 'cc', 'KEY-PGP']]);
    expect(split.problems).toEqual([{ address: 'nobody@localhost', reason: 'There is no such mailbox on this server.' }]);
  });

  it('never guesses: an address with no answer, or a syntax error, is a problem', () => {
    const split = splitRecipients({ to: parseRecipients('x@example.org, broken'), cc: [], bcc: [] }, []);
    expect(split.problems.map((p) => p.address)).toEqual(['x@example.org', 'broken']);
    expect(split.internal.length + split.external.length + split.externalPgp.length).toBe(0);
  });
});
