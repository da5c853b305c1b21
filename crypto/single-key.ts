import * as openpgp from 'openpgp';

/**
 * Reads an armored block that must hold exactly one key. `openpgp.readKey` returns the first key of
 * a block and ignores the rest, so a block carrying a second key (say, one with the user's address
 * on it) would pass a check made on the first and then be stored and handed out whole. Everything
 * a client uploads as a key goes through here. Returns null when the block is unreadable or holds
 * no key or more than one.
 */
export async function readSingleKey(armored: string): Promise<openpgp.Key | null> {
  try {
    const keys = await openpgp.readKeys({ armoredKeys: armored });
    return keys.length === 1 ? keys[0]! : null;
  } catch {
    return null;
  }
}
