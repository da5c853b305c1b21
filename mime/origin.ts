import * as z from 'zod/mini';

/**
 * What the server itself vouches for about a message written on this instance, encrypted to the
 * recipient next to the sender-made raw message and summary. The browser checks it with this schema
 * after decrypting: an attestation that doesn't match it is not trusted at all.
 */
export const messageOrigin = z.object({
  v: z.literal(1),
  kind: z.literal('internal'),
  /** The From address the server checked belongs to the sender. */
  from: z.string().check(z.maxLength(320)),
});

export type MessageOrigin = z.output<typeof messageOrigin>;
