import type { ColumnType, Generated, Selectable } from 'kysely';

/** The address book (db/migrations/2026_12_03_1445_create_contacts.ts). */
export interface ContactsTable {
  id: Generated<string>;
  user_id: string;
  /** One OpenPGP message to the owner's key: the contact as JSON (app/lib/contacts/contact.ts). */
  ciphertext: Uint8Array;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export type ContactRow = Selectable<ContactsTable>;
