import 'server-only';
import { type EncryptedToResult, checkEncryptedTo, encryptBytes, fromBase64, utf8 } from '../../crypto';
import type { Db } from '../../db/client';
import { findMailboxState } from '../../db/repositories/admin-user.repository';
import { deleteDraft as deleteDraftRow, insertDraft, updateDraft } from '../../db/repositories/draft.repository';
import { findPublicKeys } from '../../db/repositories/recipient.repository';
import type { Account } from '../auth/account.service';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { Settings } from '../settings';
import type { MessageOrigin } from '../../mime/origin';
import { resolveRecipient } from '../mail/routing';
import { assertOwnAddress } from './sender-address';

/**
 * Mail between users of this instance, drafts and Sent copies. The browser builds and encrypts
 * every copy, and scheduled-send.service.ts files them at the send's time; the server never
 * sees a plaintext here. It checks, without decrypting, that each
 * copy is an OpenPGP message encrypted to the key of the mailbox it is filed in (crypto/pkesk.ts),
 * so a buggy or hostile client can't store plaintext, or mail that its owner can't read.
 */
export interface EncryptedCopy {
  /** Base64 OpenPGP messages: the RFC 5322 bytes and the summary JSON. */
  raw: string;
  summary: string;
  /** Bytes of the plaintext message, shown in lists (sizes are plaintext at rest by design). */
  size: number;
}

export interface InternalSendInput {
  from: string;
  recipients: (EncryptedCopy & { address: string })[];
}

/** What the compose window needs to know about this server. */
export function composeSettings(settings: Settings) {
  return { undoSendSeconds: settings.undoSendSeconds, maxMessageBytes: settings.maxMessageBytes };
}

/** A recipient's copy, checked and ready to file: what scheduleInternal stores. */
export interface CheckedRecipientCopy {
  userId: string;
  address: string;
  raw_ciphertext: Uint8Array;
  summary_ciphertext: Uint8Array;
  origin_ciphertext: Uint8Array;
  size: number;
}

/**
 * The checks every copy for another mailbox passes, filed now or later: the From is the sender's
 * own, each address routes to a mailbox here (one copy per mailbox), and each copy is encrypted to
 * that mailbox's key and within the size limit. Adds the server's attestation of the sender.
 */
export async function checkInternalCopies(
  db: Db,
  settings: Settings,
  sender: Account,
  input: Pick<InternalSendInput, 'from' | 'recipients'>,
): Promise<{ from: string; recipients: CheckedRecipientCopy[]; senderKey: string | undefined }> {
  const from = await assertOwnAddress(db, sender, input.from);
  // What the server checked, for the recipient to trust over the sender-made headers and summary.
  const origin = utf8(JSON.stringify({ v: 1, kind: 'internal', from } satisfies MessageOrigin));

  // Routed as a delivery (alias counters move), one copy per mailbox.
  const byUser = new Map<string, EncryptedCopy & { address: string }>();
  for (const copy of input.recipients) {
    const route = await resolveRecipient(db, copy.address, { mailDomain: settings.mailDomain });
    if (route.status !== 'local') throw new AppError('BAD_INPUT', `${copy.address} is not a mailbox on this server.`, { address: copy.address });
    // The same doors as mail from outside: a disabled account takes none, a full mailbox none for now.
    const mailbox = await findMailboxState(db, route.userId, settings.quotaBytes);
    if (mailbox?.disabled) throw new AppError('BAD_INPUT', `${copy.address} is disabled and doesn't accept mail.`, { address: copy.address });
    if (mailbox?.full) throw new AppError('INVALID_STATE', `The mailbox of ${copy.address} is full. Try again later.`, { address: copy.address });
    if (!byUser.has(route.userId)) byUser.set(route.userId, copy);
  }

  const keys = new Map((await findPublicKeys(db, [...byUser.keys(), sender.id])).map((row) => [row.id, row.public_key]));
  const recipients: CheckedRecipientCopy[] = [];
  for (const [userId, copy] of byUser) {
    const checked = await checkedCopy(settings, copy, keys.get(userId), copy.address);
    recipients.push({ userId, address: copy.address, ...checked, origin_ciphertext: await encryptBytes(origin, [keys.get(userId)!]) });
  }
  return { from, recipients, senderKey: keys.get(sender.id) };
}

/** Saves a draft encrypted to the sender's own key: a new one, or over the draft `id`. */
export async function saveDraft(db: Db, clock: Clock, settings: Settings, sender: Account, input: EncryptedCopy & { id?: string }): Promise<{ id: string }> {
  const [key] = await findPublicKeys(db, [sender.id]);
  const content = { received_at: clock.now(), ...(await checkedCopy(settings, input, key?.public_key, 'your drafts')) };
  if (input.id && (await updateDraft(db, sender.id, input.id, content))) return { id: input.id };
  // The draft is gone (sent or deleted in another tab) while this one was still being edited: keep it.
  return { id: await insertDraft(db, { user_id: sender.id, ...content }) };
}

export async function deleteDraft(db: Db, sender: Account, id: string): Promise<{ deleted: boolean }> {
  return { deleted: await deleteDraftRow(db, sender.id, id) };
}

/** One copy checked against the key it must be encrypted to (`whose` names it in the refusal). */
export async function checkedCopy(settings: Pick<Settings, 'maxMessageBytes'>, copy: EncryptedCopy, publicKey: string | undefined, whose: string) {
  if (!publicKey) throw new AppError('NOT_FOUND', `There is no key for ${whose}.`);
  const raw = decodeCiphertext(settings.maxMessageBytes, copy.raw, whose);
  const summary = decodeCiphertext(settings.maxMessageBytes, copy.summary, whose);
  for (const part of [raw, summary]) {
    const check = await checkEncryptedTo(part, publicKey);
    if (check.status !== 'ok') throw notEncryptedTo(whose, check);
  }
  return { raw_ciphertext: raw, summary_ciphertext: summary, size: copy.size };
}

function decodeCiphertext(maxMessageBytes: number, base64: string, whose: string): Uint8Array {
  const bytes = fromBase64(base64);
  // OpenPGP adds a few hundred bytes per key; the plaintext limit is MAX_MESSAGE_BYTES.
  if (bytes.length > maxMessageBytes + 64 * 1024) {
    throw new AppError('BAD_INPUT', `The message for ${whose} is over the ${Math.floor(maxMessageBytes / 1048576)} MB limit.`);
  }
  return bytes;
}

function notEncryptedTo(whose: string, check: Exclude<EncryptedToResult, { status: 'ok' }>): AppError {
  const why = check.status === 'wrong-key' ? 'it is encrypted to a different key' : 'it is not an encrypted OpenPGP message';
  return new AppError('BAD_INPUT', `The copy for ${whose} was refused: ${why}. Reload the page and try again.`, { check: check.status });
}
