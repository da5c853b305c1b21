/**
 * The list-view summary of an inbound message. The SMTP sidecar builds it, encrypts it to the
 * recipient's key next to the raw message, and the browser decrypts it. Type-only: the browser
 * imports this file, so it must never import anything.
 */

export interface SummaryAddress {
  /** Display name, decoded; '' when there is none. */
  name: string;
  address: string;
}

export interface SummaryAttachment {
  /** Decoded file name; null when the part has none. */
  filename: string | null;
  /** Decoded size in bytes. */
  size: number;
  contentType: string;
}

/** mailauth result words: pass, fail, softfail, neutral, none, temperror, permerror, policy. */
export interface SummaryAuth {
  spf: string;
  dkim: string;
  dmarc: string;
  arc: string;
}

export interface MessageSummary {
  v: 1;
  from: SummaryAddress[];
  to: SummaryAddress[];
  cc: SummaryAddress[];
  subject: string | null;
  /** ISO 8601 from the Date header, or null when it is missing or unreadable. */
  date: string | null;
  /** At most 200 characters of body text, whitespace collapsed. */
  snippet: string;
  attachments: SummaryAttachment[];
  auth: SummaryAuth;
  messageId: string | null;
  /**
   * false when the MIME parser failed or ran out of time: then `from` holds the envelope sender
   * and the other header fields are empty. The raw message is always stored whole either way.
   */
  parsed: boolean;
}
