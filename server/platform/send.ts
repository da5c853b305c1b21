import 'server-only';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../../db/client';
import { findTemplate } from '../../db/repositories/template.repository';
import { parseAddress, splitMailboxEntry } from '../../mime/address';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import { externalAddress } from '../send/envelope';
import { expiryFrom } from '../delivery/retry-schedule';
import type { Settings } from '../settings';
import { type AcceptAnswer, type Accepted, AcceptCommitter, type Draft, type PlatformQueue } from './accept-commit';
import type { ApiPrincipal } from './api-keys';
import { checkHeaders, newMessageId } from './build-mime';
import { type ComposeSpec, sealSpec } from './compose-spec';
import { assertDomainCanSend } from './domain-cache';
import { type BatchInput, MAX_RECIPIENTS_PER_MESSAGE, type SendMessageInput } from './schemas';

export type { Accepted, PlatformQueue } from './accept-commit';

export interface SendDeps {
  db: Db;
  clock: Clock;
  settings: Settings;
  queue: PlatformQueue;
  /** The process's group commit (the API handler makes one); without it each request commits alone. */
  committer?: AcceptCommitter;
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

/** The content the worker will render: a pinned template version, or the body as given. */
async function contentFor(deps: SendDeps, principal: ApiPrincipal, input: Content): Promise<{ content: ComposeSpec['content']; bytes: number }> {
  if (input.template_id) {
    const template = await findTemplate(deps.db, principal.domain, input.template_id);
    if (!template) throw new AppError('BAD_INPUT', 'template_id: no such template.', { field: 'template_id' });
    const bytes = template.subject.length + (template.html?.length ?? 0) + (template.text?.length ?? 0);
    return { content: { template: { id: template.id, version: template.version } }, bytes };
  }
  if (!input.subject) throw new AppError('BAD_INPUT', 'subject: required without a template_id.', { field: 'subject' });
  if (!input.text && !input.html) throw new AppError('BAD_INPUT', 'text: give text or html (or a template_id).', { field: 'text' });
  // Without a template the body is used as given: no variables are substituted.
  const content = { subject: input.subject, html: input.html ?? null, text: input.text ?? null };
  return { content, bytes: content.subject.length + (content.html?.length ?? 0) + (content.text?.length ?? 0) };
}

/** Attachments as base64 without whitespace, checked; and their decoded size. */
function checkAttachments(input: Content): { attachments: ComposeSpec['attachments']; bytes: number } {
  let bytes = 0;
  const attachments = (input.attachments ?? []).map((a, i) => {
    const clean = a.content.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) throw new AppError('BAD_INPUT', `attachments.${i}.content: not base64.`, { field: `attachments.${i}.content` });
    bytes += Math.floor((clean.length * 3) / 4);
    return { filename: a.filename, content: clean, ...(a.content_type ? { contentType: a.content_type } : {}) };
  });
  return { attachments, bytes };
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

/**
 * What the composed message will weigh at most, roughly: base64 and quoted-printable grow text by
 * a third, plus headers and the DKIM signature. Over the limit is refused now (413); the worker
 * checks the exact size when it composes, and a message over it then bounces.
 */
function estimatedSize(contentBytes: number, variables: Record<string, unknown>, attachmentBytes: number): number {
  const variableBytes = Object.keys(variables).length ? JSON.stringify(variables).length : 0;
  return Math.ceil(((contentBytes + variableBytes + attachmentBytes) * 4) / 3) + 4096;
}

/**
 * The accept path: validate, seal what the worker needs to compose each message, and commit. No
 * MIME, template rendering or DKIM signature happens here (see compose-at-delivery.ts): a 202
 * means the messages are durable in the queue, not that they are composed.
 */
async function accept(
  deps: SendDeps,
  principal: ApiPrincipal,
  input: Content,
  specs: MessageSpec[],
  options: SendOptions & { batch: boolean },
): Promise<AcceptAnswer> {
  const sender = senderOf(principal, input.from);
  await assertDomainCanSend(deps.db, deps.clock, deps.settings.mailDomain, principal.domain);
  const { content, bytes: contentBytes } = await contentFor(deps, principal, input);
  const headers = checkHeaders(input.headers ?? {});
  const { attachments, bytes: attachmentBytes } = checkAttachments(input);
  const now = deps.clock.now();
  const sendAt = sendTime(now, input.send_at);
  const envelopes = specs.map(envelopeOf);
  const batchId = randomUUID();

  const drafts: Draft[] = specs.map((spec, i) => {
    const size = estimatedSize(contentBytes, spec.variables, attachmentBytes);
    if (size > deps.settings.maxMessageBytes) {
      throw new AppError(
        'PAYLOAD_TOO_LARGE',
        `The message would be about ${Math.ceil(size / 1048576)} MB; the limit is ${Math.floor(deps.settings.maxMessageBytes / 1048576)} MB.`,
      );
    }
    const id = randomUUID();
    const sealed = sealSpec({
      v: 1,
      messageId: newMessageId(principal.domain),
      boundary: randomBytes(8).toString('hex'),
      date: now.toISOString(),
      domain: principal.domain,
      sender: sender.address,
      from: sender.display,
      to: spec.to,
      cc: spec.cc,
      ...(input.reply_to ? { replyTo: input.reply_to } : {}),
      content,
      variables: spec.variables,
      attachments,
      headers,
    });
    const recipients = envelopes[i]!;
    return {
      id,
      to: spec.to[0] ?? recipients[0]!.address,
      recipients,
      outbound: {
        id,
        user_id: principal.ownerId,
        envelope_from: sender.address,
        sealed_mime: sealed,
        size,
        send_at: sendAt,
        created_at: now,
        expires_at: expiryFrom(sendAt),
      },
      message: {
        id,
        domain: principal.domain,
        key_id: principal.keyId,
        envelope_from: sender.address,
        source: options.source ?? 'api',
        tags: input.tags ?? [],
        metadata: spec.metadata,
        batch_id: options.batch ? batchId : null,
        send_at: sendAt,
        created_at: now,
      },
    };
  });

  const committer = deps.committer ?? new AcceptCommitter(deps);
  return committer.commit({
    keyId: principal.keyId,
    domain: principal.domain,
    batchId,
    status: sendAt.getTime() > now.getTime() ? 'scheduled' : 'queued',
    now,
    idempotency: options.idempotencyKey ? { key: options.idempotencyKey, hash: requestHash(options.body ?? input) } : null,
    drafts,
  });
}
