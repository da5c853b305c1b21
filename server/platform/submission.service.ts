import 'server-only';
import { randomUUID } from 'node:crypto';
import addressparser from 'nodemailer/lib/addressparser';
import { findSuppressed, insertPlatformSends } from '../../db/repositories/platform.repository';
import { sqlExecutor } from '../../db/pg-boss-executor';
import { sealBytesAtRest } from '../secrets';
import { AppError } from '../errors';
import { dkimSign } from '../send/dkim-sign';
import { externalAddress } from '../send/envelope';
import { OUTBOUND_SEAL_PURPOSE } from '../delivery/queue';
import { toCrlf } from '../send/pgp-mime';
import { expiryFrom } from '../delivery/retry-schedule';
import { domainSendingIdentity } from '../send/sending-identity';
import { type ApiPrincipal, authenticateApiKey } from './api-keys';
import type { SendDeps } from './send';
import type { Clock } from '../clock';
import type { Db } from '../../db/client';

export { SharedKeyRateLimiter } from './shared-rate-limit';
export type { ApiPrincipal } from './api-keys';
export type { PlatformQueue, SendDeps } from './send';

/** The header section of a message, unfolded, as name/value pairs. */
function headerFields(raw: Buffer): { name: string; value: string; start: number; end: number }[] {
  const endOfHeaders = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, endOfHeaders === -1 ? raw.length : endOfHeaders + 2).toString('latin1');
  const fields: { name: string; value: string; start: number; end: number }[] = [];
  const re = /^([!-9;-~]+):([^\r\n]*(?:\r\n[ \t][^\r\n]*)*)\r\n/gm;
  for (let m = re.exec(head); m; m = re.exec(head)) {
    fields.push({ name: m[1]!.toLowerCase(), value: m[2]!.replace(/\r\n/g, '').trim(), start: m.index, end: m.index + m[0].length });
  }
  return fields;
}

/** The header From's addresses: exactly one, of the key's domain (RFC 5322 allows more; we don't). */
export function checkHeaderFrom(raw: Buffer, domain: string): string {
  const from = headerFields(raw).filter((f) => f.name === 'from');
  if (from.length !== 1) throw new AppError('BAD_INPUT', 'The message needs exactly one From header.');
  const boxes = addressparser(from[0]!.value, { flatten: true }) as { address: string }[];
  if (boxes.length !== 1 || !boxes[0]!.address) throw new AppError('BAD_INPUT', 'The From header needs exactly one address.');
  const address = boxes[0]!.address.toLowerCase();
  if (address.slice(address.lastIndexOf('@') + 1) !== domain) throw new AppError('FORBIDDEN', `The From header must be an address of ${domain}.`);
  return address;
}

/** Bcc recipients are in the envelope; the header that names them must not reach anyone. */
function withoutBcc(raw: Buffer): Buffer {
  const bcc = headerFields(raw).filter((f) => f.name === 'bcc');
  if (bcc.length === 0) return raw;
  const parts: Buffer[] = [];
  let at = 0;
  for (const f of bcc) {
    parts.push(raw.subarray(at, f.start));
    at = f.end;
  }
  parts.push(raw.subarray(at));
  return Buffer.concat(parts);
}

/**
 * A message submitted over SMTP (port 587) with an API key: the client composed it. The envelope
 * and header From must be of the key's domain; then it goes the API's way: suppressed recipients
 * dropped (with a `suppressed` event), DKIM-signed, sealed, queued in one transaction.
 */
export async function submitMessage(
  deps: SendDeps,
  principal: ApiPrincipal,
  input: { envelopeFrom: string; recipients: string[]; raw: Buffer },
): Promise<{ id: string; status: string }> {
  const from = input.envelopeFrom.toLowerCase();
  if (from.slice(from.lastIndexOf('@') + 1) !== principal.domain) throw new AppError('FORBIDDEN', `MAIL FROM must be an address of ${principal.domain}.`);
  const raw = withoutBcc(toCrlf(input.raw));
  checkHeaderFrom(raw, principal.domain);
  const recipients = [
    ...new Map(
      input.recipients.map((r) => externalAddress(r)).map((r) => [r.address.toLowerCase(), { address: r.address.toLowerCase(), domain: r.domain }]),
    ).values(),
  ];
  const suppressed = await findSuppressed(
    deps.db,
    principal.domain,
    recipients.map((r) => r.address),
  );
  const active = recipients.filter((r) => !suppressed.has(r.address));
  const identity = await domainSendingIdentity(deps.db, deps.settings.mailDomain, principal.domain, from);
  const now = deps.clock.now();
  const id = randomUUID();
  const signed = active.length ? await dkimSign(raw, identity) : null;
  const status = active.length ? 'queued' : 'suppressed';
  await deps.db.transaction().execute(async (trx) => {
    await insertPlatformSends(trx, [
      {
        outbound: signed
          ? {
              id,
              user_id: principal.ownerId,
              envelope_from: from,
              sealed_mime: sealBytesAtRest(signed, OUTBOUND_SEAL_PURPOSE),
              size: signed.length,
              send_at: now,
              created_at: now,
              recipients: active,
              expires_at: expiryFrom(now),
            }
          : null,
        message: {
          id,
          domain: principal.domain,
          key_id: principal.keyId,
          envelope_from: from,
          status,
          source: 'smtp',
          tags: [],
          metadata: {},
          batch_id: null,
          send_at: now,
          created_at: now,
        },
        events: recipients.map((r) => ({ recipient: r.address, type: suppressed.has(r.address) ? ('suppressed' as const) : ('accepted' as const) })),
      },
    ]);
    if (signed) await deps.queue.enqueueDeliveries([{ id, sendAt: now }], sqlExecutor(trx));
  });
  return { id, status };
}

/** AUTH on the submission port: the password is an API key with the send scope. */
export async function authenticateSubmission(
  db: Db,
  clock: Clock,
  password: string,
): Promise<{ ok: true; principal: ApiPrincipal } | { ok: false; reason: 'invalid' | 'no-send-scope' }> {
  try {
    const principal = await authenticateApiKey(db, clock, password);
    return principal.scopes.includes('send') ? { ok: true, principal } : { ok: false, reason: 'no-send-scope' };
  } catch (err) {
    if (err instanceof AppError && err.code === 'UNAUTHORIZED') return { ok: false, reason: 'invalid' };
    throw err;
  }
}
