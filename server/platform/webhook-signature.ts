import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures: `Sealpost-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
 * A receiver recomputes the HMAC over the raw body, refuses a timestamp older than its tolerance
 * (5 minutes by default), and remembers event ids (`Sealpost-Event-Id`, also the body's `id`) it has
 * seen within that window: a replayed request then fails one of the two checks.
 */
export const SIGNATURE_HEADER = 'sealpost-signature';
export const EVENT_ID_HEADER = 'sealpost-event-id';

export function signWebhook(secret: string, body: string, timestamp: number): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

export type SignatureCheck = { ok: true; timestamp: number } | { ok: false; reason: 'malformed' | 'bad-signature' | 'too-old' };

export function verifyWebhook(secret: string, body: string, header: string, nowSeconds: number, toleranceSeconds = 300): SignatureCheck {
  const parts = new Map(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const timestamp = Number(parts.get('t'));
  const given = parts.get('v1');
  if (!Number.isInteger(timestamp) || !given || !/^[0-9a-f]{64}$/.test(given)) return { ok: false, reason: 'malformed' };
  const expected = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest();
  if (!timingSafeEqual(expected, Buffer.from(given, 'hex'))) return { ok: false, reason: 'bad-signature' };
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return { ok: false, reason: 'too-old' };
  return { ok: true, timestamp };
}
