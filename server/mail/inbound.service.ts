import 'server-only';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Db } from '../../db/client';
import { type InboundCopy, storeInboundMessages, withdrawInboundMessages } from '../../db/repositories/inbound.repository';
import { findInboundMailboxes, type InboundMailbox } from '../../db/repositories/recipient.repository';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { SummaryAuth, SummaryFilter } from '../../mime/summary';
import { type AuthenticationAlignment, authenticateMessage } from './authentication';
import type { InboundStore } from './group-commit.service';
import type { DnsResolver } from './dns';
import type { DatabaseClock } from './routing';
import { type Sealer, sealMessage } from './seal';

/**
 * Inbound delivery: authenticate, encrypt to every recipient's key, commit all copies at once.
 * Plaintext exists only in memory here. Every failure is an AppError('UNAVAILABLE') whose details
 * name the stage and an error code, never the message text of the cause (it may quote the mail).
 */
export interface InboundDeps {
  db: Db;
  clock: Clock;
  resolver: DnsResolver;
  /** authserv-id of the Authentication-Results header: the instance's mail domain. */
  authservId: string;
  /** Where summary parsing and encryption run; inline on this thread by default. */
  seal?: Sealer;
  /**
   * The filters of end of DATA (smtp/plugins): they see the plaintext after authentication and
   * before encryption, and say refuse, or store (in which folder, with what verdict).
   */
  screen?: Screen;
  /** How copies are committed: alone by default, or grouped with concurrent messages (group-commit.service.ts). */
  store?: InboundStore;
}

export interface ScreenInput {
  raw: Buffer;
  authHeader: Buffer;
  auth: SummaryAuth;
  alignment: AuthenticationAlignment;
}

export type ScreenOutcome =
  | { kind: 'store'; folder: 'inbox' | 'spam'; filter: SummaryFilter | undefined; headers: Buffer }
  | { kind: 'refuse'; code: number; text: string };

export type Screen = (input: ScreenInput) => Promise<ScreenOutcome>;

export interface InboundMessage {
  /** The message as received: CRLF lines, dot-stuffing removed. */
  raw: Buffer;
  /** MAIL FROM, '' for the null sender. */
  envelopeFrom: string;
  /** Recipient user ids, as routing resolved them at RCPT. */
  recipients: string[];
  client: { ip: string; helo: string };
  /**
   * The recipients' keys and filter rules as routing read them at RCPT, with the database's clock
   * of that read (resolveInboundRecipient). Without it, they are read here, once per message.
   */
  mailboxes?: { rows: Pick<InboundMailbox, 'id' | 'public_key' | 'filters'>[]; clock: DatabaseClock };
}

/**
 * When the caller gives up: at `at` (performance.now() milliseconds) it answers 451 and aborts
 * `signal`. Nothing may be stored after that, so the INSERT carries a deadline on the database's
 * clock that falls before `at` (see storeInboundMessages).
 */
export interface DeliveryDeadline {
  at: number;
  signal: AbortSignal;
}

export interface DeliveryResult {
  status: 'stored';
  /** The id of the first stored copy: what the 250 reply names, and what the log lines carry. */
  queueId: string;
  messageIds: string[];
}

/** A filter refused the message: nothing was stored, and the reply is this. */
export interface DeliveryRefused {
  status: 'refused';
  code: number;
  text: string;
}

export type DeliveryStage = 'database' | 'key' | 'encryption' | 'deadline' | 'filter';

/**
 * How much earlier than the caller's deadline the database stops accepting the INSERT: room for
 * the commit and the answer to come back before the caller gives up. A commit that still ends
 * after the deadline is withdrawn (see deliverInbound).
 */
export const COMMIT_MARGIN_MS = 1_000;

function unavailable(stage: DeliveryStage, cause?: unknown, extra: Record<string, unknown> = {}): AppError {
  const code = (cause as { code?: unknown } | undefined)?.code;
  return new AppError('UNAVAILABLE', 'Mail could not be stored; the sender should retry.', {
    stage,
    ...extra,
    ...(typeof code === 'string' ? { errorCode: code } : {}),
    ...(cause instanceof Error ? { errorName: cause.name } : {}),
  });
}

export async function deliverInbound(deps: InboundDeps, message: InboundMessage, deadline?: DeliveryDeadline): Promise<DeliveryResult | DeliveryRefused> {
  // One copy per mailbox, however many of its addresses (aliases, catch-all, postmaster) the envelope named.
  const recipients = [...new Set(message.recipients)];
  if (recipients.length === 0) throw new AppError('BAD_INPUT', 'A message needs at least one recipient.');

  // Read while mailauth waits on DNS, unless routing read them at RCPT.
  const read = message.mailboxes
    ? Promise.resolve(message.mailboxes)
    : findInboundMailboxes(deps.db, { ids: recipients }, 0, false).then(({ mailboxes, dbNow }) => ({
        rows: mailboxes,
        clock: { dbNow, readAt: performance.now() },
      }));
  const keysPromise = read.then(
    ({ rows, clock }) => {
      // dbNow was read on the database's clock before the answer arrived here (readAt), so dbNow
      // plus the time left from readAt on falls no later than `at`: no clock needs to agree with another.
      const notAfter = deadline ? new Date(clock.dbNow.getTime() + (deadline.at - clock.readAt) - COMMIT_MARGIN_MS) : undefined;
      return { keys: new Map(rows.map((row) => [row.id, row])), notAfter };
    },
    (err: unknown) => {
      throw unavailable('database', err);
    },
  );
  // If the lookup fails fast, its rejection must not go unhandled while mailauth still runs.
  keysPromise.catch(() => undefined);

  const auth = await authenticateMessage(message.raw, {
    ip: message.client.ip,
    helo: message.client.helo,
    sender: message.envelopeFrom,
    authservId: deps.authservId,
    resolver: deps.resolver,
  });

  // A filter that throws past the runner is a failure to store, never a 250.
  const screened = deps.screen
    ? await deps.screen({ raw: message.raw, authHeader: auth.header, auth: auth.results, alignment: auth.alignment }).catch((err: unknown) => {
        throw unavailable('filter', err);
      })
    : undefined;
  if (screened?.kind === 'refuse') return { status: 'refused', code: screened.code, text: screened.text };

  const { keys, notAfter } = await keysPromise;
  const found = recipients.map((userId) => keys.get(userId));
  const publicKeys = found.map((row) => row?.public_key);
  // Fail closed: no usable key means no copy at all, never a plaintext one.
  if (publicKeys.some((key) => !key)) throw unavailable('key');
  const filters = found.map((row) => row?.filters ?? []);

  const sealed = await (deps.seal ?? sealMessage)({
    raw: message.raw,
    authHeader: screened?.headers.length ? Buffer.concat([auth.header, screened.headers]) : auth.header,
    auth: auth.results,
    ...(screened?.filter ? { filter: screened.filter } : {}),
    envelopeFrom: message.envelopeFrom,
    publicKeys: publicKeys as string[],
    ...(filters.some((rules) => rules.length > 0) ? { filters } : {}),
  }).catch((err: unknown) => {
    throw unavailable('encryption', err);
  });
  if (sealed.status !== 'sealed') throw unavailable('encryption', { code: sealed.errorCode });

  const receivedAt = deps.clock.now();
  // The recipient's own rules come after the MX's filters: a rule may take mail out of Spam.
  const rows: InboundCopy[] = recipients.flatMap((userId, i) => {
    const copy = sealed.copies[i]!;
    if (copy.disposition.discard) return [];
    return [
      {
        user_id: userId,
        folder: copy.disposition.folder ?? screened?.folder ?? 'inbox',
        ...(copy.disposition.seen ? { seen: true } : {}),
        ...(copy.disposition.labels ? { labels: copy.disposition.labels } : {}),
        received_at: receivedAt,
        size: message.raw.length,
        raw_ciphertext: copy.raw,
        summary_ciphertext: copy.summary,
      },
    ];
  });
  // Every recipient discarded it by their own rules: accepted, and nothing to store.
  if (rows.length === 0) return { status: 'stored', queueId: randomUUID(), messageIds: [] };

  // The caller has answered 451 already: don't even send the statement.
  if (deadline?.signal.aborted) throw unavailable('deadline');
  let inserted: { id: string; user_id: string }[];
  try {
    inserted = deps.store ? await deps.store(rows, notAfter ? { notAfter } : {}) : await storeInboundMessages(deps.db, rows, { notAfter });
  } catch (err) {
    throw unavailable('database', err);
  }
  if (inserted.length === 0) throw unavailable('deadline');
  if (deadline?.signal.aborted) {
    // Committed, but the answer came after the 451: the sender will retry, so take it back.
    const ids = inserted.map((row) => row.id);
    const withdrawn = await withdrawInboundMessages(deps.db, ids).then(
      (count) => count === ids.length,
      () => false, // reported below: the copies stay, and the log says so
    );
    throw unavailable('deadline', undefined, { committedLate: true, withdrawn });
  }
  return { status: 'stored', queueId: inserted[0]!.id, messageIds: inserted.map((row) => row.id) };
}
