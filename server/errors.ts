/**
 * Expected failures carry a code. One table maps each code to a tRPC code and an HTTP status, so
 * routers and route handlers never invent their own.
 */
export const errorTable = {
  BAD_INPUT: { trpc: 'BAD_REQUEST', http: 400 },
  UNAUTHORIZED: { trpc: 'UNAUTHORIZED', http: 401 },
  INVALID_CREDENTIALS: { trpc: 'UNAUTHORIZED', http: 401 },
  FORBIDDEN: { trpc: 'FORBIDDEN', http: 403 },
  REGISTRATION_CLOSED: { trpc: 'FORBIDDEN', http: 403 },
  NOT_FOUND: { trpc: 'NOT_FOUND', http: 404 },
  USERNAME_TAKEN: { trpc: 'CONFLICT', http: 409 },
  DOMAIN_TAKEN: { trpc: 'CONFLICT', http: 409 },
  ADDRESS_TAKEN: { trpc: 'CONFLICT', http: 409 },
  CONFIRMATION_REQUIRED: { trpc: 'PRECONDITION_FAILED', http: 412 },
  // A proof of work must come first (server/auth/proof-of-work.ts).
  CHALLENGE_REQUIRED: { trpc: 'PRECONDITION_FAILED', http: 412 },
  // A request body over its limit (server/api/body-limit.ts).
  PAYLOAD_TOO_LARGE: { trpc: 'PAYLOAD_TOO_LARGE', http: 413 },
  THROTTLED: { trpc: 'TOO_MANY_REQUESTS', http: 429 },
  SEND_LIMIT_REACHED: { trpc: 'TOO_MANY_REQUESTS', http: 429 },
  // The thing exists but is past the state the action needs (a message already being delivered).
  INVALID_STATE: { trpc: 'CONFLICT', http: 409 },
  UNAVAILABLE: { trpc: 'INTERNAL_SERVER_ERROR', http: 503 },
} as const;

export type AppErrorCode = keyof typeof errorTable;

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}
