import 'server-only';
import { type Challenge, createChallenge, randomInt, verifySolution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { spendProofOfWork } from '../../db/repositories/throttle.repository';
import type { Clock } from '../clock';
import { deriveSecret } from '../secrets';
import { consumeRateLimit } from './throttle.service';

/**
 * A self-hosted proof-of-work (ALTCHA) in front of registration and of sign-in to a username that
 * has had repeated failures. The server signs a challenge (PBKDF2, so a browser's WebCrypto runs it
 * at about native speed and a script gains little), the browser searches for the counter the server
 * picked, and the server checks the answer with one HMAC. Each solution is spent once.
 */
export type { Challenge };
export type ProofPurpose = 'login' | 'register';

export interface ProofOfWorkSettings {
  /** PBKDF2 iterations per attempt. */
  cost: number;
  /** The counter is random in [0, maxCounter]: the browser tries maxCounter / 2 keys on average. */
  maxCounter: number;
  ttlMs: number;
}

/** About a second of a laptop's CPU per solution. */
export const DEFAULT_PROOF_OF_WORK: ProofOfWorkSettings = { cost: 5_000, maxCounter: 400, ttlMs: 10 * 60 * 1000 };

/** What a challenge looks like on the wire: altcha's own shape. */
export const challengeSchema = z.object({
  parameters: z.object({
    algorithm: z.string(),
    nonce: z.string(),
    salt: z.string(),
    cost: z.number(),
    keyLength: z.number(),
    keyPrefix: z.string(),
    keySignature: z.string().optional(),
    expiresAt: z.number().optional(),
    data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  }),
  signature: z.string().optional(),
});

/** The browser's answer: the challenge it was given and the solution it found, as JSON. */
export const proofSchema = z.string().max(4096);

const secrets = () => ({
  hmacSignatureSecret: deriveSecret('altcha-challenge').toString('hex'),
  hmacKeySignatureSecret: deriveSecret('altcha-key').toString('hex'),
});

export async function newChallenge(clock: Clock, purpose: ProofPurpose, settings = DEFAULT_PROOF_OF_WORK): Promise<Challenge> {
  return createChallenge({
    algorithm: 'PBKDF2/SHA-256',
    cost: settings.cost,
    counter: randomInt(settings.maxCounter, 0),
    deriveKey,
    expiresAt: new Date(clock.now().getTime() + settings.ttlMs),
    // Signed with the challenge: a login solution can't buy a registration, and the browser knows
    // how far the search may go, for its progress bar.
    data: { purpose, maxCounter: settings.maxCounter },
    ...secrets(),
  });
}

/** A challenge for this client, within its limit: making one costs the server a key derivation. */
export async function issueChallenge(db: Db, clock: Clock, purpose: ProofPurpose, ip: string | null, settings = DEFAULT_PROOF_OF_WORK): Promise<Challenge> {
  await consumeRateLimit(db, clock, 'challenge', ip);
  return newChallenge(clock, purpose, settings);
}

const payloadSchema = z.object({
  challenge: challengeSchema,
  solution: z.object({ counter: z.number(), derivedKey: z.string().max(256), time: z.number().optional() }),
});

/** True once for a valid, unexpired solution to a challenge this server made for `purpose`. */
export async function checkProof(db: Db, clock: Clock, purpose: ProofPurpose, proof: string | null | undefined): Promise<boolean> {
  if (!proof) return false;
  let payload: z.infer<typeof payloadSchema>;
  try {
    payload = payloadSchema.parse(JSON.parse(proof));
  } catch {
    return false;
  }
  const { challenge, solution } = payload;
  if (challenge.parameters.data?.purpose !== purpose || !challenge.signature) return false;
  const result = await verifySolution({ challenge, solution, deriveKey, ...secrets() });
  if (!result.verified) return false;
  const expiresAt = new Date((challenge.parameters.expiresAt ?? 0) * 1000);
  return spendProofOfWork(db, challenge.signature, expiresAt, clock.now());
}
