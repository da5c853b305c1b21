/**
 * What the browser needs to know per recipient to send: whom to encrypt to, or that the server
 * must take the message in plaintext. Looking up is not delivering: alias counters don't move.
 * It lives with outbound, which queues by it; compose (which looks keys up) builds on outbound.
 */
export type RecipientKey =
  | { address: string; kind: 'internal'; publicKey: string }
  | { address: string; kind: 'external-pgp'; publicKey: string; source: 'wkd' | 'pinned' }
  | { address: string; kind: 'external' }
  | { address: string; kind: 'invalid'; reason: string };
