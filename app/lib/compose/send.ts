import { toBase64 } from '@/crypto/encoding';
import { buildPgpMimeMessage, buildSend, newMessageId } from '@/mime/build';
import { type ComposeState, summaryOf, toOutgoingMail } from './compose-model';
import { type RecipientKind, type RecipientSplit, allRecipients, splitRecipients } from './recipients';
import type { inferRouterInputs } from '@trpc/server';
import type { AppRouter } from '@/server/api/root';

/**
 * Sending, as a plain module with its transports injected. Every recipient is looked up first and
 * sorted by kind. Then one MIME message is built, with one Message-ID, and every copy comes from
 * its bytes (mime/build.ts buildSend):
 * - on this instance: encrypted here to each recipient's key;
 * - elsewhere with a key (WKD or pinned): PGP/MIME around the same body, encrypted here;
 * - elsewhere without: the same bytes, handed to the server, which checks, signs and queues them;
 * - the Sent copy: the same bytes (with Bcc, when there was one), encrypted to the sender.
 * Every send is a scheduled send on the server: an immediate one at now + the undo window. The
 * parts for elsewhere are queued first; then compose.scheduleInternal takes the internal copies and
 * the Sent copy and names those parts, so Undo is one cancel (undoSend), and closing the tab changes
 * nothing: the worker files and delivers everything at its time.
 */
type RouterInputs = inferRouterInputs<AppRouter>;
/** Exactly what `outbound.send` and `outbound.sendPrebuilt` take: derived from the router, so the two can't drift apart. */
export type OutboundSendInput = RouterInputs['outbound']['send'];
export type PrebuiltSendInput = RouterInputs['outbound']['sendPrebuilt'];
/** Exactly what `compose.scheduleInternal` takes. */
export type ScheduleInternalPayload = RouterInputs['compose']['scheduleInternal'];

export interface SendDeps {
  recipientKeys(addresses: string[]): Promise<RecipientKind[]>;
  encryptTo(parts: Uint8Array[], publicKeys: string[]): Promise<Uint8Array[]>;
  encryptToSelf(parts: Uint8Array[]): Promise<Uint8Array[]>;
  encryptArmored(data: Uint8Array, publicKeys: string[]): Promise<string>;
  outboundSend(input: OutboundSendInput): Promise<{ id: string; sendAt: string }>;
  sendPrebuilt(input: PrebuiltSendInput): Promise<{ id: string; sendAt: string }>;
  outboundCancel(id: string): Promise<unknown>;
  scheduleInternal(input: ScheduleInternalPayload): Promise<{ id: string; sendAt: string }>;
  cancelScheduledInternal(id: string): Promise<unknown>;
  now(): Date;
  onProgress?(label: string, step: number, total: number): void;
}

export interface SendOptions {
  /** Scheduled send; omitted = now, after the undo window. */
  sendAt?: Date;
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

export type PrepareResult = { status: 'problems'; problems: SendProblem[] } | { status: 'queued'; pending: PendingSend };

export interface PendingSend {
  /** The server's scheduled send: cancelling it (undoSend) cancels every part. */
  sendId: string;
  /** When it goes (ISO 8601), as the server set it. */
  sendAt: string;
  /** The parts queued for elsewhere, named by the send. */
  outboundIds: string[];
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
  if (problems.length) return { status: 'problems', problems };

  // One message, one Message-ID, one body: every copy below is made from these bytes.
  const mail = toOutgoingMail(state, { date: options.sendAt ?? deps.now(), messageId: newMessageId(state.from), includeBcc: true });
  const built = buildSend(mail);
  const summary = encoder.encode(JSON.stringify(summaryOf({ ...mail, bcc: undefined })));
  const total = split.internal.length + (split.externalPgp.length ? 1 : 0) + (split.external.length ? 1 : 0) + 2;
  let step = 0;

  // Internal copies: one encryption per mailbox, each to that mailbox's key only.
  const recipients: ScheduleInternalPayload['recipients'] = [];
  for (const { recipient, publicKey } of split.internal) {
    progress(`Encrypting for ${recipient.address}…`, step++, total);
    const [rawCt, summaryCt] = await deps.encryptTo([built.forRecipients, summary], [publicKey]);
    recipients.push({ address: recipient.address, raw: toBase64(rawCt!), summary: toBase64(summaryCt!), size: built.forRecipients.length });
  }
  progress('Encrypting your Sent copy…', step++, total);
  const [sentCt, sentSummaryCt] = await deps.encryptToSelf([built.forSender, summary]);
  const sent = { raw: toBase64(sentCt!), summary: toBase64(sentSummaryCt!), size: built.forSender.length };

  // The parts for elsewhere are queued first, then the send that names them; if one step fails,
  // the parts already queued are cancelled.
  const outboundIds: string[] = [];
  let sendAt = options.sendAt?.toISOString();
  const bccOf = (list: { recipient: { address: string }; field: string }[]) => list.filter((r) => r.field === 'bcc').map((r) => r.recipient.address);
  try {
    if (split.externalPgp.length) {
      progress('Encrypting for recipients with OpenPGP keys…', step++, total);
      const armored = await deps.encryptArmored(
        built.pgpContent,
        split.externalPgp.map((r) => r.publicKey),
      );
      const mime = buildPgpMimeMessage({ ...mail, bcc: undefined }, armored);
      const queued = await deps.sendPrebuilt({
        from: state.from,
        recipients: split.externalPgp.map((r) => r.recipient.address),
        bcc: bccOf(split.externalPgp),
        mime: toBase64(mime),
        ...(sendAt ? { sendAt } : {}),
      });
      outboundIds.push(queued.id);
      sendAt ??= queued.sendAt;
    }
    if (split.external.length) {
      progress('Handing the message to the server…', step++, total);
      // The same bytes as everyone's copy: the headers name To and Cc; the envelope only those
      // without a copy of their own.
      const queued = await deps.outboundSend({
        from: state.from,
        recipients: split.external.map((r) => r.recipient.address),
        bcc: bccOf(split.external),
        mime: toBase64(built.forRecipients),
        ...(sendAt ? { sendAt } : {}),
      });
      outboundIds.push(queued.id);
      sendAt ??= queued.sendAt;
    }
    progress(options.sendAt ? 'Scheduling…' : 'Sending…', step++, total);
    const scheduled = await deps.scheduleInternal({
      from: state.from,
      recipients,
      sent,
      ...(state.draftId ? { draftId: state.draftId } : {}),
      ...(outboundIds.length ? { outboundIds } : {}),
      ...(sendAt ? { sendAt } : {}),
    });
    progress('Ready', total, total);
    return { status: 'queued', pending: { sendId: scheduled.id, sendAt: scheduled.sendAt, outboundIds, split } };
  } catch (err) {
    await Promise.allSettled(outboundIds.map((id) => deps.outboundCancel(id)));
    throw err;
  }
}

/** Undo: one cancel on the server, which cancels the internal copies, the Sent copy and the parts for elsewhere together. */
export async function undoSend(pending: PendingSend, deps: Pick<SendDeps, 'cancelScheduledInternal'>): Promise<void> {
  await deps.cancelScheduledInternal(pending.sendId);
}
