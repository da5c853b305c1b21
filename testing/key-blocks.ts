import * as openpgp from 'openpgp';

/** One armored public-key block holding every given key's packets, the way `gpg --export a b` writes it. */
export async function concatenatedKeyBlock(...armoredKeys: string[]): Promise<string> {
  const packets = new openpgp.PacketList();
  for (const armored of armoredKeys) packets.push(...(await openpgp.readKey({ armoredKey: armored })).toPacketList());
  return openpgp.armor(openpgp.enums.armor.publicKey, packets.write());
}
