import 'server-only';
import { openBytesAtRest, sealBytesAtRest } from '../secrets';

/**
 * What the API accepted, as the worker needs it to compose the message: the request's content
 * after validation, plus what must not change between delivery attempts (Message-ID, Date and the
 * MIME boundary, so every attempt sends the same bytes). The API seals it at rest and stores it in
 * the outbound row's sealed copy; the delivering worker renders the template, builds the MIME and
 * DKIM-signs it (see compose-at-delivery.ts). Sealed under its own purpose, so nothing submitted as
 * MIME (over SMTP, say) can ever be read as a spec, nor a spec be delivered as MIME.
 */
export const COMPOSE_SPEC_PURPOSE = 'platform-compose-spec';

export interface ComposeSpec {
  v: 1;
  messageId: string;
  boundary: string;
  /** ISO 8601: the Date header, the time the API accepted the message. */
  date: string;
  /** The key's domain: whose DKIM key signs. */
  domain: string;
  /** The bare From address (on `domain`). */
  sender: string;
  /** The From header as the customer wrote it. */
  from: string;
  to: string[];
  cc: string[];
  replyTo?: string;
  content: { template: { id: string; version: number } } | { subject: string; html: string | null; text: string | null };
  variables: Record<string, unknown>;
  /** base64, as sent. */
  attachments: { filename: string; content: string; contentType?: string }[];
  headers: Record<string, string>;
}

export function sealSpec(spec: ComposeSpec): Uint8Array {
  return sealBytesAtRest(Buffer.from(JSON.stringify(spec), 'utf8'), COMPOSE_SPEC_PURPOSE);
}

/** The spec in a sealed copy; throws if the copy was not sealed as one. */
export function openSpec(sealed: Uint8Array): ComposeSpec {
  const spec = JSON.parse(openBytesAtRest(sealed, COMPOSE_SPEC_PURPOSE).toString('utf8')) as ComposeSpec;
  if (spec.v !== 1) throw new Error(`unknown compose spec version ${String(spec.v)}`);
  return spec;
}
