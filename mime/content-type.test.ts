import { describe, expect, it } from 'vitest';
import { isPlainContentType, safeContentType } from './content-type';

describe('safeContentType: one check for the builder and the server', () => {
  it('keeps a plain type/subtype, lowercased, and replaces anything else', () => {
    expect(safeContentType('Text/CSV')).toBe('text/csv');
    expect(safeContentType('application/vnd.ms-excel')).toBe('application/vnd.ms-excel');
    expect(safeContentType('text/html; charset=utf-8')).toBe('application/octet-stream');
    expect(safeContentType('text/plain\r\nBcc: eve@example.org')).toBe('application/octet-stream');
    expect(safeContentType('')).toBe('application/octet-stream');
    expect(isPlainContentType(`a/${'b'.repeat(300)}`)).toBe(false);
  });
});
