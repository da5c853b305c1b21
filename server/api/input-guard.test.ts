import { describe, expect, it } from 'vitest';
import { MAX_TEXT_CHARS, findInputProblem } from './input-guard';

describe('findInputProblem', () => {
  it('passes clean input, including paired surrogates (emoji) and long base64', () => {
    expect(findInputProblem({ note: 'café 😀', list: ['a', { b: 'c' }], n: 1, x: null })).toBeNull();
    expect(findInputProblem({ raw: 'A'.repeat(MAX_TEXT_CHARS + 4) })).toBeNull();
  });

  it('names the field holding a NUL', () => {
    expect(findInputProblem({ recipients: [{ address: 'ok@x' }, { address: 'a\u0000b@x' }] })).toEqual({
      path: 'recipients.1.address',
      message: 'must not contain a NUL character',
    });
    expect(findInputProblem('x\u0000')?.path).toBe('input');
  });

  it('names the field holding a lone surrogate, high or low', () => {
    expect(findInputProblem({ note: 'a\uD800b' })?.path).toBe('note');
    expect(findInputProblem({ note: 'a\uDC00' })?.message).toContain('lone surrogate');
    expect(findInputProblem({ note: '\uD83D' })?.path).toBe('note');
  });

  it('refuses a field name with a NUL, text over the ceiling, and deep nesting', () => {
    expect(findInputProblem({ outer: { 'k\u0000': 1 } })?.path).toBe('outer');
    expect(findInputProblem({ text: ' '.repeat(MAX_TEXT_CHARS + 1) })?.message).toContain('at most');
    let deep: unknown = 'x';
    for (let i = 0; i < 40; i++) deep = [deep];
    expect(findInputProblem(deep)?.message).toContain('nested');
  });
});
