import 'server-only';
import type { Db } from '../../db/client';
import type { TemplateVersionRow } from '../../db/platform-schema';
import { findTemplateVersion } from '../../db/repositories/template.repository';
import type { Materialized } from '../delivery/deliverer';
import { OUTBOUND_SEAL_PURPOSE } from '../delivery/queue';
import { AppError } from '../errors';
import { openBytesAtRest } from '../secrets';
import { dkimSign } from '../send/dkim-sign';
import { type SendingIdentity, domainSendingIdentity } from '../send/sending-identity';
import { composeMime } from './build-mime';
import { type ComposeSpec, openSpec } from './compose-spec';
import { type Rendered, htmlToText, renderContent } from './templates';

export interface PlatformComposerDeps {
  db: Db;
  mailDomain: string;
  maxMessageBytes: number;
}

// Template versions never change once written: kept per process by id@version.
const MAX_TEMPLATES = 500;
/** How long a domain's signing key (and that it may still send) is trusted before it is read again. */
const IDENTITY_TTL_MS = 10_000;

/**
 * The worker's side of the sending API: API mail is accepted as a sealed spec (compose-spec.ts),
 * and composed here, at each delivery attempt, into the same bytes every time: the template
 * version the API pinned, rendered with the message's variables, MIME with the Message-ID, Date
 * and boundary fixed at acceptance, then DKIM-signed with the domain's current key. Anything else
 * (mail from the web app, SMTP submission) is sealed MIME already and comes back as it is.
 */
export function createPlatformComposer(deps: PlatformComposerDeps): (sealed: Uint8Array) => Promise<Materialized> {
  const templates = new Map<string, Promise<TemplateVersionRow | undefined>>();
  const templateVersion = (id: string, version: number) => {
    const key = `${id}@${version}`;
    let row = templates.get(key);
    if (!row) {
      row = findTemplateVersion(deps.db, id, version);
      row.catch(() => templates.delete(key));
      if (templates.size >= MAX_TEMPLATES) templates.delete(templates.keys().next().value!);
      templates.set(key, row);
    }
    return row;
  };

  // A domain's signing key, looked up at most every IDENTITY_TTL_MS: a batch of 1,000 needs one query, not 1,000.
  const identities = new Map<string, { at: number; identity: Promise<SendingIdentity> }>();
  const signingKeyOf = (domain: string, sender: string): Promise<SendingIdentity> => {
    const now = Date.now();
    let entry = identities.get(domain);
    if (!entry || now - entry.at >= IDENTITY_TTL_MS) {
      entry = { at: now, identity: domainSendingIdentity(deps.db, deps.mailDomain, domain, sender) };
      entry.identity.catch(() => identities.delete(domain));
      identities.delete(domain);
      if (identities.size >= MAX_TEMPLATES) identities.delete(identities.keys().next().value!);
      identities.set(domain, entry);
    }
    return entry.identity;
  };

  async function render(spec: ComposeSpec): Promise<Rendered> {
    if ('template' in spec.content) {
      const { id, version } = spec.content.template;
      const row = await templateVersion(id, version);
      if (!row) throw new AppError('NOT_FOUND', 'The template was deleted before the message went out.');
      return renderContent(`${id}@${version}`, row, spec.variables);
    }
    const { subject, html, text } = spec.content;
    return { subject: subject.replace(/[\r\n]+/g, ' '), html, text: text ?? htmlToText(html ?? '') };
  }

  async function compose(spec: ComposeSpec): Promise<Materialized> {
    let rendered: Rendered;
    let identity: SendingIdentity;
    try {
      rendered = await render(spec);
      identity = { ...(await signingKeyOf(spec.domain, spec.sender)), address: spec.sender };
    } catch (err) {
      if (err instanceof AppError) return { refused: { status: '5.3.0', reason: err.message } };
      throw err;
    }
    const { raw } = await composeMime({
      from: spec.from,
      to: spec.to,
      cc: spec.cc,
      replyTo: spec.replyTo,
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      attachments: spec.attachments.map((a) => ({ filename: a.filename, content: Buffer.from(a.content, 'base64'), contentType: a.contentType })),
      headers: spec.headers,
      domain: identity.domain,
      date: new Date(spec.date),
      messageId: spec.messageId,
      boundary: spec.boundary,
    });
    const signed = await dkimSign(raw, identity);
    if (signed.length > deps.maxMessageBytes) {
      return {
        refused: {
          status: '5.3.4',
          reason: `The message is ${Math.ceil(signed.length / 1048576)} MB; the limit is ${Math.floor(deps.maxMessageBytes / 1048576)} MB.`,
        },
      };
    }
    return { mime: signed };
  }

  return async (sealed) => {
    let mime: Buffer;
    try {
      mime = openBytesAtRest(sealed, OUTBOUND_SEAL_PURPOSE);
    } catch (notMime) {
      // Not sealed as MIME: an API message's spec, or (if that fails too) a damaged copy, whose
      // error is the one that says what went wrong.
      let spec: ComposeSpec;
      try {
        spec = openSpec(sealed);
      } catch {
        throw notMime;
      }
      return compose(spec);
    }
    return { mime };
  };
}
