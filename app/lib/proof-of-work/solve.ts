'use client';
import type { Challenge } from 'altcha-lib';

/** What the proof-of-work Worker says: how far it has searched, then the proof or a failure. */
export type PowMessage = { kind: 'progress'; fraction: number } | { kind: 'solved'; proof: string } | { kind: 'failed' };

/** The step label the sign-in and sign-up pages show while the browser solves a challenge. */
export const CHECKING_LABEL = "Checking you're not a bot…";

export function checkingLabel(fraction: number): string {
  return `${CHECKING_LABEL} ${Math.round(fraction * 100)}%`;
}

/**
 * Solves a server challenge in a Worker of its own (so the page stays responsive) and returns the
 * proof to send with the sign-in or registration. `onProgress` gets 0…1.
 */
export function solveChallenge(challenge: Challenge, onProgress: (fraction: number) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./pow.worker.ts', import.meta.url), { type: 'module' });
    const done = () => worker.terminate();
    worker.onmessage = (event: MessageEvent<PowMessage>) => {
      const message = event.data;
      if (message.kind === 'progress') return onProgress(message.fraction);
      done();
      if (message.kind === 'solved') {
        onProgress(1);
        resolve(message.proof);
      } else {
        reject(new Error("The check that you're not a bot did not finish. Try again."));
      }
    };
    worker.onerror = () => {
      done();
      reject(new Error("The check that you're not a bot could not run in this browser."));
    };
    onProgress(0);
    worker.postMessage({ challenge });
  });
}
