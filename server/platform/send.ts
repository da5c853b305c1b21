import 'server-only';
import { createHash, randomUUID } from 'node:crypto';
import type { Db } from '../../db/client';
import type { PlatformEventType } from '../../db/platform-schema';
import {
  type NewPlatformSend,
  claimIdempotent,
  findIdempotent,
  findSuppressed,
  insertPlatformSends,
  lockIdempotencyKey,
} from '../../db/repositories/platform.repository';
import { type SqlExecutor, sqlExecutor } from '../../db/pg-boss-executor';
import { findTemplate } from '../../db/repositories/template.repository';
import { parseAddress, splitMailboxEntry } from '../../mime/address';
import type { Clock } from '../clock';
import { sealBytesAtRest } from '../secrets';
import { AppError } from '../errors';
import { dkimSign } from '../send/dkim-sign';
import { externalAddress } from '../send/envelope';
import { OUTBOUND_SEAL_PURPOSE } from '../delivery/queue';
import { expiryFrom } from '../delivery/retry-schedule';
import { type SendingIdentity, domainSendingIdentity } from '../send/sending-identity';
import type { Settings } from '../settings';
import type { ApiPrincipal } from './api-keys';
import { checkHeaders, composeMime } from './build-mime';
import { type BatchInput, MAX_RECIPIENTS_PER_MESSAGE, type SendMessageInput } from './schemas';
import { type Rendered, htmlToText, renderContent } from './templates';

/** Wakes workers for platform messages: many jobs in one statement, in the caller's transaction. */
export interface PlatformQueue {
  enqueueDeliveries(items: { id: string; sendAt: Date }[], tx: SqlExecutor): Promise<void>;
}

export interface SendDeps {
  db: Db;
  clock: Clock;
  settings: Settings;
  queue: PlatformQueue;
}

const MAX_SCHEDULE_MS = 30 * 24 * 60 * 60 * 1000;

/** One message to compose: a single send, or one recipient of a batch. */
interface MessageSpec {
  to: string[];
  cc: string[];
  bcc: string[];
  variables: Record<string, unknown>;
  metadata: Record<string, string>;
}

type Content = Omit<SendMessageInput, 'to' | 'cc' | 'bcc'>;

export interface Accepted {
  id: string;
  to: string;
  status: 'queued' | 'scheduled' | 'suppressed';
}

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export function requestHash(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex');
}

/** POST /messages: one message to to/cc/bcc. */
export async function sendMessage(deps: SendDeps, principal: ApiPrincipal, input: SendMessageInput, options: SendOptions = {}): Promise<Accepted> {
  const spec: MessageSpec = { to: list(input.to), cc: list(input.cc), bcc: list(input.bcc), variables: input.variables ?? {}, metadata: input.metadata ?? {} };
  const { messages } = await accept(deps, principal, input, [spec], { ...options, batch: false });
  return messages[0]!;
}

/** POST /messages/batch: one message per recipient, each rendered with its own variables. */
export async function sendBatch(
  deps: SendDeps,
  principal: ApiPrincipal,
  input: BatchInput,
  options: SendOptions = {},
): Promise<{ batch_id: string; messages: Accepted[] }> {
  const specs = input.recipients.map((r) => ({
    to: [r.to],
    cc: [],
    bcc: [],
    variables: { ...input.variables, ...r.variables },
    metadata: { ...input.metadata, ...r.metadata },
  }));
  return accept(deps, principal, input, specs, { ...options, batch: true });
}

export interface SendOptions {
  idempotencyKey?: string;
  /** The request body, for the Idempotency-Key check (a reused key with another body is refused). */
  body?: unknown;
  source?: 'api' | 'smtp';
}

/** The address of a From entry, which must be on the key's domain (MAIL_DOMAIN may be undotted, as localhost). */
function senderOf(principal: ApiPrincipal, from: string): { display: string; address: string } {
  const parts = parseAddress(splitMailboxEntry(from).address);
  if (!parts || /[\s<>]/.test(parts.local)) throw new AppError('BAD_INPUT', 'from: not an email address.', { field: 'from' });
  if (parts.domain.toLowerCase() !== principal.domain) {
    throw new AppError('FORBIDDEN', `from: this key can only send from addresses of ${principal.domain}.`, { field: 'from' });
  }
  return { display: from, address: `${parts.local}@${principal.domain}` };
}

function sendTime(now: Date, sendAt: string | undefined): Date {
  if (!sendAt) return now;
  const at = new Date(sendAt);
  if (at.getTime() > now.getTime() + MAX_SCHEDULE_MS) throw new AppError('BAD_INPUT', 'send_at: at most 30 days ahead.', { field: 'send_at' });
  return at.getTime() < now.getTime() ? now : at;
}

async function contentFor(
  deps: SendDeps,
  principal: ApiPrincipal,
  input: Content,
): Promise<{ key: string | null; content: { subject: string; html: string | null; text: string | null } }> {
  if (input.template_id) {
    const template = await findTemplate(deps.db, principal.domain, input.template_id);
    if (!template) throw new AppError('BAD_INPUT', 'template_id: no such template.', { field: 'template_id' });
    return { key: `${template.id}@${template.version}`, content: template };
  }
  if (!input.subject) throw new AppError('BAD_INPUT', 'subject: required without a template_id.', { field: 'subject' });
  if (!input.text && !input.html) throw new AppError('BAD_INPUT', 'text: give text or html (or a template_id).', { field: 'text' });
  // Without a template the body is used as given: no variables are substituted.
  return { key: null, content: { subject: input.subject, html: input.html ?? null, text: input.text ?? null } };
}

function decodeAttachments(input: Content) {
  return (input.attachments ?? []).map((a, i) => {
    const clean = a.content.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) throw new AppError('BAD_INPUT', `attachments.${i}.content: not base64.`, { field: `attachments.${i}.content` });
    return { filename: a.filename, content: Buffer.from(clean, 'base64'), contentType: a.content_type };
  });
}

function envelopeOf(spec: MessageSpec): { address: string; domain: string }[] {
  const all = new Map<string, { address: string; domain: string }>();
  for (const [field, entries] of [
    ['to', spec.to],
    ['cc', spec.cc],
    ['bcc', spec.bcc],
  ] as const) {
    for (const entry of entries) {
      try {
        const box = externalAddress(entry);
        all.set(box.address.toLowerCase(), { address: box.address.toLowerCase(), domain: box.domain });
      } catch (err) {
        throw new AppError('BAD_INPUT', `${field}: ${(err as Error).message}`, { field });
      }
    }
  }
  if (all.size === 0) throw new AppError('BAD_INPUT', 'to: add at least one recipient.', { field: 'to' });
  if (all.size > MAX_RECIPIENTS_PER_MESSAGE)
    throw new AppError('BAD_INPUT', `to: at most ${MAX_RECIPIENTS_PER_MESSAGE} recipients per message; use /messages/batch.`, { field: 'to' });
  return [...all.values()];
}

async function accept(
  deps: SendDeps,
  principal: ApiPrincipal,
  input: Content,
  specs: MessageSpec[],
  options: SendOptions & { batch: boolean },
): Promise<{ batch_id: string; messages: Accepted[] }> {
  const hash = options.idempotencyKey ? requestHash(options.body ?? input) : '';
  if (options.idempotencyKey) {
    const prior = await findIdempotent(deps.db, principal.keyId, options.idempotencyKey);
    if (prior) return replay(prior, hash);
  }
  const sender = senderOf(principal, input.from);
  const identity = await domainSendingIdentity(deps.db, deps.settings.mailDomain, principal.domain, sender.address);
  const { key, content } = await contentFor(deps, principal, input);
  const headers = checkHeaders(input.headers ?? {});
  const attachments = decodeAttachments(input);
  const now = deps.clock.now();
  const sendAt = sendTime(now, input.send_at);
  const envelopes = specs.map(envelopeOf);
  const suppressed = await findSuppressed(
    deps.db,
    principal.domain,
    envelopes.flatMap((e) => e.map((r) => r.address)),
  );
  const batchId = randomUUID();
  const status = sendAt.getTime() > now.getTime() ? 'scheduled' : 'queued';

  const sends: NewPlatformSend[] = [];
  const accepted: Accepted[] = [];
  for (const [i, spec] of specs.entries()) {
    const envelope = envelopes[i]!;
    const active = envelope.filter((r) => !suppressed.has(r.address));
    const id = randomUUID();
    const rendered: Rendered = key ? renderContent(key, content, spec.variables) : renderPlain(content);
    const events: NewPlatformSend['events'] = envelope.map((r) => ({
      recipient: r.address,
      type: (suppressed.has(r.address) ? 'suppressed' : 'accepted') as PlatformEventType,
    }));
    let outbound: NewPlatformSend['outbound'] = null;
    if (active.length > 0) {
      const sealed = await composeSealed(deps.settings, identity, { input, sender, spec, rendered, attachments, headers, now });
      outbound = {
        id,
        user_id: principal.ownerId,
        envelope_from: sender.address,
        sealed_mime: sealed.sealed,
        size: sealed.size,
        send_at: sendAt,
        created_at: now,
        recipients: active,
        expires_at: expiryFrom(sendAt),
      };
    }
    const messageStatus = active.length ? status : 'suppressed';
    sends.push({
      outbound,
      message: {
        id,
        domain: principal.domain,
        key_id: principal.keyId,
        envelope_from: sender.address,
        status: messageStatus,
        source: options.source ?? 'api',
        tags: input.tags ?? [],
        metadata: spec.metadata,
        batch_id: options.batch ? batchId : null,
        send_at: sendAt,
        created_at: now,
      },
      events,
    });
    accepted.push({ id, to: spec.to[0] ?? envelope[0]!.address, status: messageStatus });
  }
  const response = { batch_id: batchId, messages: accepted };

  return deps.db.transaction().execute(async (trx) => {
    if (options.idempotencyKey) {
      await lockIdempotencyKey(trx, principal.keyId, options.idempotencyKey);
      const prior = await findIdempotent(trx, principal.keyId, options.idempotencyKey);
      if (prior) return replay(prior, hash);
      await claimIdempotent(trx, { key_id: principal.keyId, idempotency_key: options.idempotencyKey, request_hash: hash, response, created_at: now });
    }
    await insertPlatformSends(trx, sends);
    const due = sends.flatMap((s) => (s.outbound ? [{ id: s.outbound.id, sendAt }] : []));
    if (due.length) await deps.queue.enqueueDeliveries(due, sqlExecutor(trx));
    return response;
  });
}

function replay(prior: { request_hash: string; response: unknown }, hash: string): { batch_id: string; messages: Accepted[] } {
  if (prior.request_hash !== hash) {
    throw new AppError('INVALID_STATE', 'This Idempotency-Key was used with a different request.', { field: 'Idempotency-Key' });
  }
  return prior.response as { batch_id: string; messages: Accepted[] };
}

function renderPlain(content: { subject: string; html: string | null; text: string | null }): Rendered {
  return { subject: content.subject.replace(/[\r\n]+/g, ' '), html: content.html, text: content.text ?? htmlToText(content.html ?? '') };
}

async function composeSealed(
  settings: Settings,
  identity: SendingIdentity,
  parts: {
    input: Content;
    sender: { display: string; address: string };
    spec: MessageSpec;
    rendered: Rendered;
    attachments: ReturnType<typeof decodeAttachments>;
    headers: Record<string, string>;
    now: Date;
  },
): Promise<{ sealed: Uint8Array; size: number }> {
  const { raw } = await composeMime({
    from: parts.sender.display,
    to: parts.spec.to,
    cc: parts.spec.cc,
    replyTo: parts.input.reply_to,
    subject: parts.rendered.subject,
    text: parts.rendered.text,
    html: parts.rendered.html,
    attachments: parts.attachments,
    headers: parts.headers,
    domain: identity.domain,
    date: parts.now,
  });
  const signed = await dkimSign(raw, identity);
  if (signed.length > settings.maxMessageBytes) {
    throw new AppError(
      'PAYLOAD_TOO_LARGE',
      `The message is ${Math.ceil(signed.length / 1048576)} MB; the limit is ${Math.floor(settings.maxMessageBytes / 1048576)} MB.`,
    );
  }
  return { sealed: sealBytesAtRest(signed, OUTBOUND_SEAL_PURPOSE), size: signed.length };
}
