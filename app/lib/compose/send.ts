import { toBase64 } from '@/crypto/encoding';
import { type ComposeState, summaryOf, toOutgoingMail } from './compose-model';
import { buildMessage, buildPgpMimeContent, buildPgpMimeMessage, newMessageId } from './mime-builder';
import { type RecipientKind, type RecipientSplit, allRecipients, splitRecipients } from './recipients';
import type { inferRouterInputs } from '@trpc/server';
import type { AppRouter } from '@/server/api/root';

/**
 * Sending, as a plain module with its transports injected. Every recipient is looked up first
 * and sorted by kind; then, per kind:
 * - on this instance: the message and its summary are encrypted here to each recipient's key;
 * - elsewhere with a key (WKD or pinned): PGP/MIME, encrypted here;
 * - elsewhere without: handed to the server's outbound queue, which holds it for the undo window.
 * The internal copies and the Sent copy are filed by `commit`, which the caller runs when the undo
 * window has passed: until then nothing has reached another mailbox, and Undo needs only to cancel
 * the queued external parts. A scheduled send hands the internal copies, still encrypted to each
 * recipient, to the server at once (compose.scheduleInternal), which files them at their time;
 * `commit` then files only the Sent copy, and Undo cancels the scheduled part too.
 */
/** Exactly what `outbound.send` takes: derived from the router, so the two can't drift apart. */
export type OutboundSendInput = inferRouterInputs<AppRouter>['outbound']['send'];

export interface PrebuiltSendInput {
  from: string;
  /** Envelope recipients; the headers are inside `mime`. */
  recipients: string[];
  /** Base64 of the finished RFC 5322 message (PGP/MIME). */
  mime: string;
  sendAt?: string;
}

export interface EncryptedCopyPayload {
  raw: string;
  summary: string;
  size: number;
}

export interface InternalSendPayload {
  from: string;
  recipients: (EncryptedCopyPayload & { address: string })[];
  sent: EncryptedCopyPayload;
  draftId?: string;
}

/** Exactly what `compose.scheduleInternal` takes. */
export type ScheduleInternalPayload = inferRouterInputs<AppRouter>['compose']['scheduleInternal'];

export interface SendDeps {
  recipientKeys(addresses: string[]): Promise<RecipientKind[]>;
  encryptTo(parts: Uint8Array[], publicKeys: string[]): Promise<Uint8Array[]>;
  encryptToSelf(parts: Uint8Array[]): Promise<Uint8Array[]>;
  encryptArmored(data: Uint8Array, publicKeys: string[]): Promise<string>;
  outboundSend(input: OutboundSendInput): Promise<{ id: string }>;
  sendPrebuilt(input: PrebuiltSendInput): Promise<{ id: string }>;
  outboundCancel(id: string): Promise<unknown>;
  sendInternal(input: InternalSendPayload): Promise<{ sentId: string }>;
  scheduleInternal(input: ScheduleInternalPayload): Promise<{ id: string }>;
  cancelScheduledInternal(id: string): Promise<unknown>;
  now(): Date;
  onProgress?(label: string, step: number, total: number): void;
}

export interface SendOptions {
  /** Scheduled send; omitted = now, after the undo window. */
  sendAt?: Date;
  /** Aliases only receive from the outside world: the From must be an address to send outside. */
  fromCanSendExternally: boolean;
}

export interface SendProblem {
  address: string;
  reason: string;
}

/** What the compose window asks for when the user sends. */
export interface SendRequest {
  state: ComposeState;
  sendAt?: Date;
  onProgress: (label: string, step: number, total: number) => void;
}

export type PrepareResult =
  | { status: 'problems'; problems: SendProblem[] }
  | { status: 'queued'; pending: PendingSend };

export interface PendingSend {
  /** The server's outbound ids of the external parts: Undo cancels them. */
  outboundIds: string[];
  /** The server's ids of the scheduled internal part (a scheduled send only): Undo cancels them too. */
  scheduledInternalIds: string[];
  /** What `commit` files: the internal copies (none when they were scheduled) and the Sent copy. */
  internal: InternalSendPayload;
  split: RecipientSplit;
}

const encoder = new TextEncoder();

export async function prepareSend(state: ComposeState, deps: SendDeps, options: SendOptions): Promise<PrepareResult> {
  const progress = deps.onProgress ?? (() => undefined);
  const fields = { to: state.to, cc: state.cc, bcc: state.bcc };
  const everyone = allRecipients(fields);
  if (everyone.length === 0) return { status: 'problems', problems: [{ address: '', reason: 'Add at least one recipient.' }] };

  progress('Looking up recipients…', 0, 1);
  const split = splitRecipients(fields, await deps.recipientKeys(everyone.filter((r) => !r.error).map((r) => r.address)));
  const problems: SendProblem[] = [...split.problems];
  const outside = [...split.external, ...split.externalPgp];
  if (!options.fromCanSendExternally) {
    for (const r of outside) problems.push({ address: r.recipient.address, reason: `${state.from} is an alias: it can only send to people on this server. Pick another From address.` });
  }
  if (problems.length) return { status: 'problems', problems };

  const date = options.sendAt ?? deps.now();
  const messageId = newMessageId(state.from);
  const forRecipients = toOutgoingMail(state, { date, messageId, includeBcc: false });
  const forSender = toOutgoingMail(state, { date, messageId, includeBcc: true });
  const summary = encoder.encode(JSON.stringify(summaryOf(forRecipients)));
  const scheduleInternal = Boolean(options.sendAt) && split.internal.length > 0;
  const total = split.internal.length + (scheduleInternal ? 1 : 0) + (split.externalPgp.length ? 1 : 0) + (split.external.length ? 1 : 0) + 1;
  let step = 0;

  // Internal copies: one encryption per mailbox, each to that mailbox's key only.
  const raw = buildMessage(forRecipients);
  const recipients: InternalSendPayload['recipients'] = [];
  for (const { recipient, publicKey } of split.internal) {
    progress(`Encrypting for ${recipient.address}…`, step++, total);
    const [rawCt, summaryCt] = await deps.encryptTo([raw, summary], [publicKey]);
    recipients.push({ address: recipient.address, raw: toBase64(rawCt!), summary: toBase64(summaryCt!), size: raw.length });
  }
  progress('Encrypting your Sent copy…', step++, total);
  const sentRaw = buildMessage(forSender);
  const [sentCt, sentSummaryCt] = await deps.encryptToSelf([sentRaw, summary]);
  const internal: InternalSendPayload = {
    from: state.from,
    // Scheduled: the copies wait on the server (below), so commit files only the Sent copy.
    recipients: scheduleInternal ? [] : recipients,
    sent: { raw: toBase64(sentCt!), summary: toBase64(sentSummaryCt!), size: sentRaw.length },
    ...(state.draftId ? { draftId: state.draftId } : {}),
  };

  // The scheduled internal part and external parts go to the server now; if one fails, the ones
  // already there are cancelled.
  const outboundIds: string[] = [];
  const scheduledInternalIds: string[] = [];
  const sendAt = options.sendAt?.toISOString();
  try {
    if (scheduleInternal && sendAt) {
      progress('Scheduling for recipients on this server…', step++, total);
      const scheduled = await deps.scheduleInternal({ from: state.from, recipients, sendAt });
      scheduledInternalIds.push(scheduled.id);
    }
    if (split.externalPgp.length) {
      progress('Encrypting for recipients with OpenPGP keys…', step++, total);
      const armored = await deps.encryptArmored(buildPgpMimeContent(forRecipients), split.externalPgp.map((r) => r.publicKey));
      const mime = buildPgpMimeMessage(forRecipients, armored);
      const queued = await deps.sendPrebuilt({ from: state.from, recipients: split.externalPgp.map((r) => r.recipient.address), mime: toBase64(mime), sendAt });
      outboundIds.push(queued.id);
    }
    if (split.external.length) {
      progress('Handing the message to the server…', step++, total);
      // The headers name everyone the recipients may see (To and Cc, as in every other copy); the
      // server delivers only to the envelope: those here and key holders get their copies above.
      const named = (list: { name: string; address: string }[]) => list.map((m) => (m.name ? `"${m.name.replace(/["\\\r\n]/g, '')}" <${m.address}>` : m.address));
      const queued = await deps.outboundSend({
        from: state.from,
        to: named(forRecipients.to),
        cc: named(forRecipients.cc),
        bcc: split.external.filter((r) => r.field === 'bcc').map((r) => r.recipient.address),
        envelope: split.external.map((r) => r.recipient.address),
        messageId,
        subject: state.subject,
        text: forRecipients.text,
        ...(forRecipients.html ? { html: forRecipients.html } : {}),
        attachments: forRecipients.attachments.map((a) => ({
          filename: a.filename.trim().slice(0, 255) || 'attachment',
          // A forwarded part's type is whatever its sender wrote: only a plain type/subtype goes on.
          contentType: /^[\w.+-]+\/[\w.+-]+$/.test(a.contentType) ? a.contentType : 'application/octet-stream',
          content: toBase64(a.content),
        })),
        ...(state.inReplyTo ? { inReplyTo: state.inReplyTo } : {}),
        ...(state.references.length ? { references: state.references } : {}),
        ...(sendAt ? { sendAt } : {}),
      });
      outboundIds.push(queued.id);
    }
  } catch (err) {
    await Promise.allSettled([...outboundIds.map((id) => deps.outboundCancel(id)), ...scheduledInternalIds.map((id) => deps.cancelScheduledInternal(id))]);
    throw err;
  }
  progress('Ready', total, total);
  return { status: 'queued', pending: { outboundIds, scheduledInternalIds, internal, split } };
}

/** Files the internal copies and the Sent copy, and deletes the draft: the point of no return. */
export function commitSend(pending: PendingSend, deps: Pick<SendDeps, 'sendInternal'>): Promise<{ sentId: string }> {
  return deps.sendInternal(pending.internal);
}

/**
 * Undo: cancels every queued external part and the scheduled internal part. Internal copies of an
 * immediate send were never filed.
 */
export async function undoSend(pending: PendingSend, deps: Pick<SendDeps, 'outboundCancel' | 'cancelScheduledInternal'>): Promise<void> {
  await Promise.all([...pending.outboundIds.map((id) => deps.outboundCancel(id)), ...pending.scheduledInternalIds.map((id) => deps.cancelScheduledInternal(id))]);
}
