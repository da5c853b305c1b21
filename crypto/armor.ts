import * as openpgp from 'openpgp';

/** ASCII armor for a binary OpenPGP message: PGP/MIME (RFC 3156) carries the armored form. */
export function armorMessage(binary: Uint8Array): string {
  return openpgp.armor(openpgp.enums.armor.message, binary);
}

/** The armored public key that belongs to a private key (what the sender encrypts its own copies to). */
export function publicKeyOf(privateKey: openpgp.PrivateKey): string {
  return privateKey.toPublic().armor();
}

/** The binary form of an armored OpenPGP message, or null if `armored` is not one. */
export async function dearmorMessage(armored: string): Promise<Uint8Array | null> {
  try {
    const { type, data } = await openpgp.unarmor(armored);
    if (type !== openpgp.enums.armor.message) return null;
    return data instanceof Uint8Array ? data : new Uint8Array(await new Response(data as ReadableStream<Uint8Array>).arrayBuffer());
  } catch {
    return null;
  }
}
