/// <reference lib="webworker" />
import { type Challenge, type DeriveKeyFunction, solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/web/pbkdf2';
import type { PowMessage } from './solve';

/**
 * Searches for the counter the server hid in an ALTCHA challenge, off the page's thread. Reports how
 * far the search has gone (the challenge says its largest counter) a few times a second.
 */
self.onmessage = async (event: MessageEvent<{ challenge: Challenge }>) => {
  const { challenge } = event.data;
  const max = Math.max(1, Number(challenge.parameters.data?.maxCounter) || 1);
  const post = (message: PowMessage) => self.postMessage(message);
  let tried = 0;
  let reported = 0;
  const counting: DeriveKeyFunction = (parameters, salt, password) => {
    tried++;
    if (performance.now() - reported > 150) {
      reported = performance.now();
      post({ kind: 'progress', fraction: Math.min(tried / max, 0.99) });
    }
    return deriveKey(parameters, salt, password);
  };
  try {
    const solution = await solveChallenge({ challenge, deriveKey: counting, timeout: 120_000 });
    post(solution ? { kind: 'solved', proof: JSON.stringify({ challenge, solution }) } : { kind: 'failed' });
  } catch {
    post({ kind: 'failed' });
  }
};
