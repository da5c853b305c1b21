import { decryptBytes, fromUtf8, readPrivateKey } from '../../crypto';
import type { Db } from '../../db/client';
import { insertAddress } from '../../db/repositories/address.repository';
import { saveCheck } from '../../db/repositories/domain.repository';
import { getMessage, listMessages } from '../../db/repositories/message.repository';
import { addDomain } from '../../server/domains/domain.service';
import type { MessageSummary } from '../../mime/summary';
import type { TestUser } from '../factories';
import type { LoopbackZone } from '../loopback-dns';
import { instanceDkimRecord } from '../../server/send/sending-identity';
import { env } from '../../server/env';
import { settingsFrom } from '../../server/settings';

const settings = settingsFrom(env());

const noVerificationQueue = { enqueueCheck: async () => undefined };

/**
 * A domain of the user's that passed verification, with <local>@domain as a sending address and
 * its DKIM record published in the loopback zone. `verified: false` leaves it pending.
 */
export async function senderDomain(db: Db, user: TestUser, zone: LoopbackZone, name: string, options: { local?: string; verified?: boolean } = {}) {
  const domain = await addDomain(db, noVerificationQueue, settings, user.account, name);
  if (options.verified !== false) {
    const now = new Date();
    await saveCheck(db, domain.id, [], { status: 'verified', verified_at: now, last_checked_at: now });
  }
  const local = options.local ?? 'alice';
  const address = `${local}@${domain.name}`;
  await insertAddress(db, {
    user_id: user.account.id,
    domain_id: domain.id,
    local_part: local,
    domain: domain.name,
    address,
    kind: 'address',
    alias_style: null,
    note: null,
  });
  const dkim = domain.records.find((r) => r.kind === 'dkim')!;
  zone[dkim.fqdn] = { TXT: [dkim.value] };
  return { address, domain: domain.name };
}

/** Publishes the instance's own DKIM key (for <username>@MAIL_DOMAIN senders). */
export async function publishInstanceDkim(db: Db, zone: LoopbackZone) {
  const record = await instanceDkimRecord(db, settings.mailDomain);
  zone[record.host] = { TXT: [record.value] };
}

/** The user's inbox, decrypted with their private key: raw message text and summary. */
export async function readInbox(db: Db, user: TestUser): Promise<{ raw: string; summary: MessageSummary }[]> {
  const key = await readPrivateKey(user.privateKeyArmored);
  const rows = await listMessages(db, user.account.id, { folder: 'inbox', limit: 50 });
  const out: { raw: string; summary: MessageSummary }[] = [];
  for (const row of rows) {
    const full = (await getMessage(db, user.account.id, row.id))!;
    const raw = await decryptBytes(full.raw_ciphertext, key);
    const summary = await decryptBytes(full.summary_ciphertext, key);
    if (raw.status !== 'ok' || summary.status !== 'ok') throw new Error('a stored message did not decrypt with the owner key');
    out.push({ raw: fromUtf8(raw.data), summary: JSON.parse(fromUtf8(summary.data)) as MessageSummary });
  }
  return out;
}
