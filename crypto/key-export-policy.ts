/** The shortest passphrase an exported private key may be locked with. A module of its own so pages can read it without bundling openpgp. */
export const MIN_EXPORT_PASSPHRASE = 8;
