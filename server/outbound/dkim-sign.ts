import DKIM from 'nodemailer/lib/dkim';
import type { SendingIdentity } from './sending-identity';

/** Prepends a DKIM-Signature (rsa-sha256, relaxed/relaxed) for the identity's domain. */
export async function dkimSign(raw: Buffer, identity: SendingIdentity): Promise<Buffer> {
  const signer = new DKIM({ domainName: identity.domain, keySelector: identity.selector, privateKey: identity.privateKey });
  const chunks: Buffer[] = [];
  for await (const chunk of signer.sign(raw)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The header block of a message (up to the blank line), for a bounce's text/rfc822-headers part. */
export function headerBlock(raw: Buffer): Buffer {
  const end = raw.indexOf('\r\n\r\n');
  return end === -1 ? raw : raw.subarray(0, end + 2);
}
