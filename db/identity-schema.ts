import type { ColumnType, Selectable } from 'kysely';

/** Display names and signatures per sending address (db/migrations/*_create_sending_identities.ts). */
export interface SendingIdentitiesTable {
  user_id: string;
  /** Lowercased; the primary, an address row or an alias row of the same user. */
  address: string;
  /** OpenPGP message to the owner's key: JSON { v: 1, displayName, signatureHtml }. */
  ciphertext: Uint8Array;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export type SendingIdentityRow = Selectable<SendingIdentitiesTable>;
