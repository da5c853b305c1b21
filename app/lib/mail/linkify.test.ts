import { describe, expect, it } from 'vitest';
import { linkify } from './linkify';

const links = (text: string) => linkify(text).filter((p) => p.kind === 'link');

describe('linkify', () => {
  it('turns http(s), www. and mailto URLs into links and keeps the text around them', () => {
    expect(linkify('See https://example.com/a?b=1 now')).toEqual([
      { kind: 'text', text: 'See ' },
      { kind: 'link', text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { kind: 'text', text: ' now' },
    ]);
    expect(links('www.example.org and mailto:dave@example.com')).toEqual([
      { kind: 'link', text: 'www.example.org', href: 'https://www.example.org' },
      { kind: 'link', text: 'mailto:dave@example.com', href: 'mailto:dave@example.com' },
    ]);
  });

  it('leaves sentence punctuation and unbalanced brackets outside the link', () => {
    expect(links('(see https://example.com/x).')).toEqual([{ kind: 'link', text: 'https://example.com/x', href: 'https://example.com/x' }]);
    expect(links('https://en.wikipedia.org/wiki/Foo_(bar), ok')[0]?.text).toBe('https://en.wikipedia.org/wiki/Foo_(bar)');
  });

  it('never links other schemes or broken URLs, and loses no text', () => {
    const text = 'javascript:alert(1) http:// nothing https://localhost data:text/html,x';
    expect(links(text)).toEqual([]);
    expect(
      linkify(text)
        .map((p) => p.text)
        .join(''),
    ).toBe(text);
  });
});
