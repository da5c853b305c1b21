import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { isSessionEnded } from './session-ended';

describe('isSessionEnded', () => {
  it('is true for the 401 a revoked or expired session gets, and only for it', () => {
    const refused = new TRPCClientError('Sign in first.', {
      result: { error: { message: 'x', code: -32001, data: { code: 'UNAUTHORIZED', httpStatus: 401 } } },
    });
    expect(isSessionEnded(refused)).toBe(true);
    const forbidden = new TRPCClientError('No.', { result: { error: { message: 'x', code: -32003, data: { code: 'FORBIDDEN', httpStatus: 403 } } } });
    expect(isSessionEnded(forbidden)).toBe(false);
    expect(isSessionEnded(new Error('Failed to fetch'))).toBe(false);
    expect(isSessionEnded(null)).toBe(false);
  });
});
