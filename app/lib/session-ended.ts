'use client';
import type { QueryClient } from '@tanstack/react-query';
import { callKeys, sessionBlob } from './keys/key-proxy';
import { forgetSummaries } from './mail/summaries';

/**
 * A call refused because the session is over (revoked from another device, expired, signed out
 * in another tab): tRPC's UNAUTHORIZED, HTTP 401.
 */
export function isSessionEnded(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('data' in error)) return false;
  const data = (error as { data?: { code?: unknown; httpStatus?: unknown } | null }).data;
  return data?.httpStatus === 401 || data?.code === 'UNAUTHORIZED';
}

let ending = false;

/**
 * What this tab does once the server says its session is over: it must not go on showing mail it
 * decrypted. It hides the page at once, drops every cached query (ciphertext and plaintext), the
 * decrypted summaries and the sealed key, locks the key Worker, and loads /login, which replaces
 * the document and with it anything React still held.
 */
export function endSessionInThisTab(queryClient: QueryClient): void {
  if (ending) return;
  ending = true;
  document.body.hidden = true;
  queryClient.clear();
  forgetSummaries();
  // 2FA became required and this account has none: the session lives on behind the enrolment gate
  // (server/auth/instance-policy.service.ts), so the sealed key stays for after it. The server
  // hands out nothing the blob needs until a factor is set up.
  void waitsForEnrolment().then((gated) => (gated ? window.location.replace('/login?reason=two-factor') : endForGood()));
}

const SIGN_IN_STAGE = '/api/trpc/security.signInStage?input=%7B%7D';

async function waitsForEnrolment(): Promise<boolean> {
  try {
    const response = await fetch(SIGN_IN_STAGE, { signal: AbortSignal.timeout(3000) });
    const body = (await response.json()) as { result?: { data?: { stage?: string } } };
    return body.result?.data?.stage === 'enrol';
  } catch {
    // No answer: treat the session as over, the safe side.
    return false;
  }
}

function endForGood(): void {
  sessionBlob.clear();
  const leave = () => window.location.replace('/login?reason=ended');
  // The lock is asked for, but leaving doesn't wait on a Worker that may never answer: the new
  // document gets a new Worker either way.
  void callKeys('lock', undefined).then(leave, leave);
  setTimeout(leave, 1000);
}

/** For the query client: a 401 in a tab that holds a session (not the login pages) ends it here. */
export function onSignedInError(error: unknown, queryClient: QueryClient): void {
  if (isSessionEnded(error) && sessionBlob.load() !== null) endSessionInThisTab(queryClient);
}
