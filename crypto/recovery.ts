import { entropyToMnemonic, mnemonicToEntropy, validateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { randomBytes } from './encoding';

/** A 24-word BIP39 phrase: 256 bits of entropy plus a checksum that catches typos. */
export function newRecoveryPhrase(): { phrase: string; entropy: Uint8Array } {
  const entropy = randomBytes(32);
  return { phrase: entropyToMnemonic(entropy, wordlist), entropy };
}

export function normalizePhrase(phrase: string): string {
  return phrase.trim().toLowerCase().split(/\s+/).join(' ');
}

/** The phrase's entropy, or null when it is not a valid 24-word English BIP39 phrase. */
export function phraseToEntropy(phrase: string): Uint8Array | null {
  const normalized = normalizePhrase(phrase);
  if (normalized.split(' ').length !== 24 || !validateMnemonic(normalized, wordlist)) return null;
  return mnemonicToEntropy(normalized, wordlist);
}
