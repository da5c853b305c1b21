import { type Challenge, solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import { type ProofPurpose, newChallenge } from '../server/auth/proof-of-work';
import { systemClock } from '../server/clock';

/** Cheap challenges for tests: the server accepts any challenge it signed, whatever its cost. */
export const CHEAP_PROOF_OF_WORK = { cost: 1, maxCounter: 50, ttlMs: 60_000 };

/** What the browser's Worker does: find the counter, and send the challenge and solution back as JSON. */
export async function solve(challenge: Challenge): Promise<string> {
  const solution = await solveChallenge({ challenge, deriveKey, timeout: 60_000 });
  if (!solution) throw new Error('challenge not solved');
  return JSON.stringify({ challenge, solution });
}

export async function solvedProof(purpose: ProofPurpose): Promise<string> {
  return solve(await newChallenge(systemClock, purpose, CHEAP_PROOF_OF_WORK));
}
