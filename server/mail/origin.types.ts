/**
 * What the server itself vouches for about a message written on this instance, encrypted to the
 * recipient next to the sender-made raw message and summary. Type-only: the browser imports it.
 */
export interface MessageOrigin {
  v: 1;
  kind: 'internal';
  /** The From address the server checked belongs to the sender. */
  from: string;
}
