import { describe, expect, it } from 'vitest';
import { testSummary } from '@/testing/mail';
import { readOrigin, spoofedFrom, trustedSummary } from './origin';

const ok = (value: unknown) => ({ status: 'ok' as const, data: new TextEncoder().encode(JSON.stringify(value)) });

describe('message origin', () => {
  it('reads the attestation, and calls anything odd invalid', () => {
    expect(readOrigin(null)).toBeNull();
    expect(readOrigin(ok({ v: 1, kind: 'internal', from: 'alice@localhost' }))).toEqual({ v: 1, kind: 'internal', from: 'alice@localhost' });
    expect(readOrigin(ok({ v: 2, kind: 'internal', from: 'x' }))).toBe('invalid');
    expect(readOrigin({ status: 'decrypt-failed', reason: 'x' })).toBe('invalid');
    expect(readOrigin({ status: 'ok', data: new Uint8Array([0xff]) })).toBe('invalid');
  });

  it('puts the attested sender over a forged From and drops claimed authentication results', () => {
    const forged = testSummary({ from: [{ name: 'The Bank', address: 'ceo@bank.example' }] });
    const origin = { v: 1 as const, kind: 'internal' as const, from: 'mallory@localhost' };
    const shown = trustedSummary(forged, origin);
    expect(shown.from).toEqual([{ name: '', address: 'mallory@localhost' }]);
    expect(shown.auth).toEqual({ spf: 'none', dkim: 'none', dmarc: 'none', arc: 'none' });
    expect(spoofedFrom(forged.from, origin)).toBe('ceo@bank.example');

    const honest = testSummary({ from: [{ name: 'Alice', address: 'Alice@localhost' }] });
    const alice = { v: 1 as const, kind: 'internal' as const, from: 'alice@localhost' };
    expect(trustedSummary(honest, alice).from).toEqual([{ name: 'Alice', address: 'alice@localhost' }]);
    expect(spoofedFrom(honest.from, alice)).toBeNull();
    // Mail from the MX: its summary is the MX's own, unchanged.
    expect(trustedSummary(forged, null)).toBe(forged);
  });
});
