import DKIM from 'nodemailer/lib/dkim';
import type { SendingIdentity } from './sending-identity';

/** Prepends a DKIM-Signature (rsa-sha256, relaxed/relaxed) for the identity's domain. */
export async function dkimSign(raw: Buffer, identity: SendingIdentity): Promise<Buffer> {
  const signer = new DKIM({ domainName: identity.domain, keySelector: identity.selector, privateKey: identity.privateKey });
  const chunks: Buffer[] = [];
  for await (const chunk of signer.sign(raw)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
