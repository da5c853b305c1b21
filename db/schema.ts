import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

type CreatedAt = ColumnType<Date, never, never>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface UsersTable {
  id: Generated<string>;
  username: string;
  is_admin: ColumnType<boolean, boolean | undefined, boolean>;
  kdf_salt: Uint8Array;
  kdf_opslimit: number;
  kdf_memlimit: number;
  auth_hash: string;
  public_key: string;
  wrapped_key: Uint8Array;
  recovery_salt: Uint8Array;
  recovery_auth_hash: string;
  recovery_wrapped_key: Uint8Array;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface SessionsTable {
  id: Generated<string>;
  user_id: string;
  client_key: Uint8Array;
  user_agent: string | null;
  ip: string | null;
  created_at: CreatedAt;
  last_seen_at: Timestamp;
  expires_at: Date;
  revoked_at: Date | null;
}

export interface AuthThrottleTable {
  key: string;
  failures: number;
  window_started_at: Date;
  locked_until: Date | null;
}

export interface AuditLogTable {
  id: Generated<string>;
  at: CreatedAt;
  user_id: string | null;
  event: string;
  ip: string | null;
  details: unknown;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  auth_throttle: AuthThrottleTable;
  audit_log: AuditLogTable;
}

export type UserRow = Selectable<UsersTable>;
export type NewUserRow = Insertable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
