import type { ColumnType, Generated, Selectable } from 'kysely';

/** Tables of the second factor (db/migrations/2026_12_03_1136_add_account_security.ts). */

type CreatedAt = ColumnType<Date, never, never>;

export interface UserTotpTable {
  user_id: string;
  /** Sealed at rest under SECRET_KEY. */
  secret_sealed: Uint8Array;
  enabled_at: Date | null;
  /** The last 30-second step a code was accepted for: a code works once. */
  last_step: ColumnType<string | null, number | null | undefined, number | null>;
  created_at: CreatedAt;
}

export interface UserRecoveryCodesTable {
  user_id: string;
  /** A keyed hash of the code; the code itself is shown once. */
  code_hash: Uint8Array;
  used_at: Date | null;
}

export interface UserPasskeysTable {
  id: Generated<string>;
  user_id: string;
  credential_id: string;
  public_key: Uint8Array;
  counter: ColumnType<string, number | undefined, number>;
  transports: ColumnType<string[], string | undefined, string>;
  name: string;
  created_at: CreatedAt;
  last_used_at: Date | null;
}

export type UserTotpRow = Selectable<UserTotpTable>;
export type UserPasskeyRow = Selectable<UserPasskeysTable>;
