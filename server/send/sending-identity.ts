import 'server-only';
import { type KeyObject, createPrivateKey } from 'node:crypto';
import type { Db } from '../../db/client';
import { findAddress } from '../../db/repositories/address.repository';
import { findDomainById, findDomainByName } from '../../db/repositories/domain.repository';
import { findInstanceDkimKey, insertInstanceDkimKey } from '../../db/repositories/instance-dkim.repository';
import type { InstanceDkimKeyRow } from '../../db/schema';
import type { Account } from '../auth/account.service';
import { DKIM_PURPOSE } from '../domains/domain.service';
import { generateDkimKey } from '../domains/dkim';
import { openAtRest, sealAtRest } from '../secrets';
import { AppError } from '../errors';

/** The address a message goes out from and the DKIM key that signs for its domain. */
export interface SendingIdentity {
  address: string;
  domain: string;
  selector: string;
  privateKey: KeyObject;
}

// Parsing a PEM key costs twice as much as the RSA signature itself, so parsed keys are kept,
// keyed by the GCM tag of their sealed form (unique per sealing, so a new key is a new entry).
const parsedKeys = new Map<string, KeyObject>();
const MAX_PARSED_KEYS = 1000;

function unsealedKey(sealed: Uint8Array): KeyObject {
  const id = Buffer.from(sealed.subarray(sealed.length - 16)).toString('base64');
  let key = parsedKeys.get(id);
  if (!key) {
    key = createPrivateKey(openAtRest(sealed, DKIM_PURPOSE));
    if (parsedKeys.size >= MAX_PARSED_KEYS) parsedKeys.delete(parsedKeys.keys().next().value!);
    parsedKeys.set(id, key);
  }
  return key;
}

/**
 * The instance's own MAIL_DOMAIN has no domains row, so its DKIM key lives in instance_dkim_keys:
 * RSA-2048, selector 'sealpost', sealed like a domain's key, made on first use. An admin publishes
 * it as TXT sealpost._domainkey.<MAIL_DOMAIN> (see instanceDkimRecord).
 */
export const INSTANCE_DKIM_SELECTOR = 'sealpost';

// Read on every send from <username>@MAIL_DOMAIN, and it never changes once made: kept per process.
const instanceKeys = new Map<string, Promise<InstanceDkimKeyRow>>();

async function loadInstanceKey(db: Db, domain: string): Promise<InstanceDkimKeyRow> {
  const existing = await findInstanceDkimKey(db, domain);
  if (existing) return existing;
  const key = await generateDkimKey();
  return insertInstanceDkimKey(db, {
    domain,
    selector: INSTANCE_DKIM_SELECTOR,
    public_key: key.publicKey,
    private_key: sealAtRest(key.privateKeyPem, DKIM_PURPOSE),
  });
}

function instanceKey(db: Db, domain: string): Promise<InstanceDkimKeyRow> {
  let key = instanceKeys.get(domain);
  if (!key) {
    key = loadInstanceKey(db, domain);
    key.catch(() => instanceKeys.delete(domain));
    instanceKeys.set(domain, key);
  }
  return key;
}

/** The DNS record that makes the instance's signatures verifiable. */
export async function instanceDkimRecord(db: Db, mailDomain: string): Promise<{ host: string; type: 'TXT'; value: string }> {
  const domain = mailDomain;
  const key = await instanceKey(db, domain);
  return { host: `${key.selector}._domainkey.${domain}`, type: 'TXT', value: `v=DKIM1; k=rsa; p=${key.public_key}` };
}

/** The same record for the admin console: only an administrator may see it. */
export async function instanceDkimRecordFor(db: Db, mailDomain: string, actor: Account): Promise<{ host: string; type: 'TXT'; value: string }> {
  if (!actor.isAdmin) throw new AppError('FORBIDDEN', 'Only an administrator can see the instance DKIM record.');
  return instanceDkimRecord(db, mailDomain);
}

/**
 * Checks that `from` is one of the sender's sending addresses and picks its key. Sending
 * addresses: <username>@MAIL_DOMAIN, and the sender's rows on MAIL_DOMAIN or on a verified domain:
 * addresses, and enabled aliases (a reply to mail received at an alias goes out from that alias,
 * so the reply doesn't reveal the main address). Each is signed with its own domain's key.
 */
export async function resolveSendingIdentity(db: Db, mailDomain: string, sender: Account, from: string): Promise<SendingIdentity> {
  const address = from.trim().toLowerCase();
  const domain = address.slice(address.lastIndexOf('@') + 1);
  const refuse = (why: string) => new AppError('FORBIDDEN', `You can't send from ${address}: ${why}`);

  if (address !== sender.address.toLowerCase()) {
    const row = await findAddress(db, address);
    if (!row || row.user_id !== sender.id) throw refuse("it isn't one of your addresses.");
    if (row.kind === 'alias' && !row.enabled) throw refuse('that alias is turned off.');
    if (row.domain_id) {
      const domainRow = await findDomainById(db, row.domain_id);
      if (!domainRow) throw refuse("it isn't one of your addresses.");
      if (domainRow.status !== 'verified') throw refuse(`the domain ${domainRow.name} isn't verified yet.`);
      return { address, domain: domainRow.name, selector: domainRow.dkim_selector, privateKey: unsealedKey(domainRow.dkim_private_key) };
    }
    if (domain !== mailDomain) throw refuse(`the domain ${domain} isn't verified yet.`);
  }
  const key = await instanceKey(db, mailDomain);
  return { address, domain: mailDomain, selector: key.selector, privateKey: unsealedKey(key.private_key) };
}

/**
 * The sending platform's identity: any address of `domain` (a verified domain, or MAIL_DOMAIN),
 * signed with that domain's key. The caller has already checked that the API key belongs to it.
 */
export async function domainSendingIdentity(db: Db, mailDomain: string, domain: string, address: string): Promise<SendingIdentity> {
  if (domain === mailDomain) {
    const key = await instanceKey(db, mailDomain);
    return { address, domain, selector: key.selector, privateKey: unsealedKey(key.private_key) };
  }
  const row = await findDomainByName(db, domain);
  if (!row) throw new AppError('FORBIDDEN', `The domain ${domain} is no longer on this server.`);
  if (row.status !== 'verified') throw new AppError('FORBIDDEN', `The domain ${domain} isn't verified, so mail can't be sent from it.`);
  return { address, domain: row.name, selector: row.dkim_selector, privateKey: unsealedKey(row.dkim_private_key) };
}
