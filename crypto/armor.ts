import * as openpgp from 'openpgp';

/** ASCII armor for a binary OpenPGP message: PGP/MIME (RFC 3156) carries the armored form. */
export function armorMessage(binary: Uint8Array): string {
  return openpgp.armor(openpgp.enums.armor.message, binary);
}

/** The armored public key that belongs to a private key (what the sender encrypts its own copies to). */
export function publicKeyOf(privateKey: openpgp.PrivateKey): string {
  return privateKey.toPublic().armor();
}
