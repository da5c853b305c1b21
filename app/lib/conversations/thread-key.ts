import type { MessageSummary } from '@/mime/summary';

/**
 * Which thread a message belongs to, worked out in the browser from its decrypted summary, and the
 * conversation key the server stores for it: HMAC-SHA-256, under a per-user key, of the thread's
 * root. The server sees the key and nothing it was computed from.
 */

/** How far apart two messages with the same subject and no References may be and still be one thread. */
export const SUBJECT_WINDOW_MS = 14 * 24 * 3600 * 1000;

/** "Re: Fwd: [list] Lunch" and "lunch" are one subject; "" when nothing is left. */
export function normalizeSubject(subject: string | null): string {
  let s = (subject ?? '').trim();
  for (;;) {
    const next = s.replace(/^((re|fw|fwd|aw|wg|sv|vs|antw|tr|rif|r)(\[\d+\])?\s*:|\[[^\]]{1,40}\])\s*/i, '');
    if (next === s) break;
    s = next;
  }
  return s.replace(/\s+/g, ' ').toLowerCase();
}

const REPLY_PREFIX = /^\s*(re|fw|fwd|aw|wg|sv|vs|antw|tr|rif)(\[\d+\])?\s*:/i;

/**
 * A reply that names nothing it answers (no References, no In-Reply-To) but says it is one in its
 * subject: its place comes from the subject. Two first messages with the same subject stay apart.
 */
const looksLikeBareReply = (summary: MessageSummary) => summary.references.length === 0 && REPLY_PREFIX.test(summary.subject ?? '');

/**
 * Remembers the threads placed in this tab by normalized subject, so a reply without References
 * joins the conversation of the same subject within SUBJECT_WINDOW_MS.
 */
export class SubjectThreads {
  private readonly bySubject = new Map<string, { root: string; at: number }[]>();

  remember(subject: string, root: string, at: number): void {
    if (!subject) return;
    const list = this.bySubject.get(subject) ?? [];
    if (!list.some((e) => e.root === root && e.at === at)) list.push({ root, at });
    if (list.length > 20) list.shift();
    this.bySubject.set(subject, list);
  }

  find(subject: string, at: number): string | null {
    let best: { root: string; distance: number } | null = null;
    for (const entry of this.bySubject.get(subject) ?? []) {
      const distance = Math.abs(entry.at - at);
      if (distance <= SUBJECT_WINDOW_MS && (!best || distance < best.distance)) best = { root: entry.root, distance };
    }
    return best?.root ?? null;
  }
}

/**
 * The root a message is keyed by: the first of its References; else, for a bare reply ("Re: …"
 * without References) whose subject was seen in a thread nearby, that thread's root; else its own Message-ID;
 * else its id here (a conversation of one).
 */
export function threadRoot(summary: MessageSummary, messageId: string, at: number, threads: SubjectThreads): string {
  const subject = normalizeSubject(summary.subject);
  let found: string | null = summary.references[0] ?? null;
  if (!found && looksLikeBareReply(summary) && subject) found = threads.find(subject, at);
  const root = found ?? (summary.messageId?.trim() || `sealpost:${messageId}`);
  threads.remember(subject, root, at);
  return root;
}

/** The key stored on the server: base64url of HMAC-SHA-256(root) under the user's conversation key. */
export async function conversationKeyOf(hmacKey: CryptoKey, root: string): Promise<string> {
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', hmacKey, new TextEncoder().encode(root.toLowerCase())));
  let binary = '';
  for (const byte of mac) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function importHmacKey(raw: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', raw as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
}
