import { expect } from 'vitest';
import { AppError } from '../server/errors';

/** The code, message and details of the AppError a promise rejects with; fails the test otherwise. */
export async function appError(promise: Promise<unknown>): Promise<Pick<AppError, 'code' | 'message' | 'details'>> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  const { code, message, details } = err as AppError;
  return { code, message, details };
}
