import * as z from 'zod/mini';

/**
 * The list-view summary of a message: the contract between whoever writes it (the SMTP sidecar for
 * mail from outside, the sender's browser for mail written here) and the browser that decrypts and
 * shows it. The writer builds it through `messageSummary` before encrypting it, and the reader checks
 * it with the same schema after decrypting, because anyone can encrypt to a public key.
 *
 * Its structure is strict: not an object, `v` other than 1, a field missing or of the wrong type,
 * and the whole summary is invalid. Within a well-formed summary, values are brought within what a
 * list row shows rather than refused: texts are clipped, lists cut short, addresses with neither name
 * nor address dropped, an authentication word that isn't one reads `none`, and a date that isn't
 * ISO 8601 reads null (unknown). Unknown fields are dropped. zod/mini, because the browser bundles it.
 */

/** Bounds on what one hostile header can put in a row. */
export const SUMMARY_LIMITS = {
  /** Names, addresses, subject, Message-ID. */
  text: 1000,
  /** Attachment file names and content types. */
  attachmentText: 255,
  /** Addresses per field, attachments per message. */
  list: 100,
  /** Characters (code points) of body text. */
  snippet: 200,
} as const;

/** At most `max` UTF-16 units. */
const clip = (max: number) => z.string().check(z.overwrite((value) => (value.length > max ? value.slice(0, max) : value)));

/** At most `max` code points, never splitting a surrogate pair. */
export function clipCodePoints(value: string, max: number): string {
  if (value.length <= max) return value;
  const chars = Array.from(value.slice(0, max * 2));
  return chars.length > max ? chars.slice(0, max).join('') : chars.join('');
}

/** A list cut to the limit before its entries are checked, so a huge hostile list costs nothing. */
const boundedList = <T extends z.core.SomeType>(entry: T) =>
  z.pipe(
    z.transform((value: unknown) => (Array.isArray(value) ? value.slice(0, SUMMARY_LIMITS.list) : value)),
    z.array(entry),
  );

const summaryAddress = z.object({
  /** Display name, decoded; '' when there is none. */
  name: clip(SUMMARY_LIMITS.text),
  address: clip(SUMMARY_LIMITS.text),
});

const addressList = z.pipe(
  boundedList(summaryAddress),
  z.transform((list) => list.filter((entry) => entry.name || entry.address)),
);

const summaryAttachment = z.object({
  /** Decoded file name; null when the part has none. */
  filename: z.nullable(clip(SUMMARY_LIMITS.attachmentText)),
  /** Decoded size in bytes. */
  size: z.number().check(z.nonnegative()),
  contentType: clip(SUMMARY_LIMITS.attachmentText).check(z.overwrite((value) => value || 'application/octet-stream')),
});

/** A mailauth result word (pass, fail, softfail, neutral, none, temperror, permerror, policy). */
const verdict = z.catch(z.string().check(z.regex(/^[a-z]{1,16}$/)), 'none');

const NO_AUTH = { spf: 'none', dkim: 'none', dmarc: 'none', arc: 'none' };

const summaryAuth = z.catch(z.object({ spf: verdict, dkim: verdict, dmarc: verdict, arc: verdict }), NO_AUTH);

/**
 * What the MX's filters found (smtp/plugins): only ever inside the encrypted summary. Absent on
 * mail no filter looked at. A malformed one reads as absent rather than spoiling the summary.
 */
const summaryFilter = z.catch(
  z.optional(
    z.object({
      /** Spam score, when a scanner gave one. */
      score: z.nullable(z.number()),
      /** Scanner symbols (rule names), at most a list's worth. */
      symbols: boundedList(clip(SUMMARY_LIMITS.attachmentText)),
      /** The signature an antivirus named; only set on mail stored anyway (policy pass). */
      virus: z.nullable(clip(SUMMARY_LIMITS.attachmentText)),
      /** Why the message went to Spam, when it did: the plugins that said so. */
      spamBy: boundedList(clip(SUMMARY_LIMITS.attachmentText)),
    }),
  ),
  undefined,
);

export const messageSummary = z.object({
  v: z.literal(1),
  from: addressList,
  to: addressList,
  cc: addressList,
  subject: z.nullable(clip(SUMMARY_LIMITS.text)),
  /** ISO 8601 from the Date header, or null when it is missing or unreadable. */
  date: z.catch(z.nullable(z.iso.datetime({ offset: true })), null),
  /** Body text, whitespace collapsed by the writer. */
  snippet: z.string().check(z.overwrite((value) => clipCodePoints(value, SUMMARY_LIMITS.snippet))),
  attachments: boundedList(summaryAttachment),
  /** What this instance's MX found; all `none` for mail that no MX checked. */
  auth: summaryAuth,
  messageId: z.nullable(clip(SUMMARY_LIMITS.text)),
  /**
   * The thread this message answers: References, then In-Reply-To when References doesn't end with
   * it, oldest first. The browser keys conversations by the first. Summaries written before this
   * field existed read as [].
   */
  references: z.catch(boundedList(clip(SUMMARY_LIMITS.text)), []),
  /**
   * false when the MIME parser failed or ran out of time: then `from` holds the envelope sender
   * and the other header fields are empty. The raw message is always stored whole either way.
   */
  parsed: z.boolean(),
  filter: summaryFilter,
});

export type MessageSummary = z.output<typeof messageSummary>;
export type SummaryAddress = z.output<typeof summaryAddress>;
export type SummaryAttachment = z.output<typeof summaryAttachment>;
export type SummaryAuth = z.output<typeof summaryAuth>;
export type SummaryFilter = NonNullable<z.output<typeof summaryFilter>>;

/** Reading a decrypted summary: tagged, never thrown. */
export type SummaryParse = { ok: true; summary: MessageSummary } | { ok: false };

/** The summary in decrypted bytes (UTF-8 JSON), or `ok: false` when they aren't one. */
export function parseSummaryBytes(bytes: Uint8Array): SummaryParse {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    // Bytes that are not UTF-8 JSON are not a summary; the caller says so and goes on.
    return { ok: false };
  }
  const result = messageSummary.safeParse(json);
  return result.success ? { ok: true, summary: result.data } : { ok: false };
}
