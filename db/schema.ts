import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type {
  ApiKeyRateBucketsTable,
  ApiKeysTable,
  IdempotencyKeysTable,
  PlatformEventsTable,
  PlatformMessagesTable,
  SuppressionsTable,
  TemplateVersionsTable,
  TemplatesTable,
  WebhookDeliveriesTable,
  WebhooksTable,
} from './platform-schema';
import type { UserPasskeysTable, UserRecoveryCodesTable, UserTotpTable } from './account-security-schema';
import type { SendingIdentitiesTable } from './identity-schema';
import type { ContactsTable } from './contacts-schema';

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
  display_name: ColumnType<string | null, string | null | undefined, string | null>;
  /** Admin console: a disabled account can't sign in and gets no mail. */
  disabled_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** Admin console: bytes of mail allowed; null = the instance default. bigint comes back as a string. */
  quota_bytes: ColumnType<string | null, number | null | undefined, number | null>;
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
  /** Signed in with the password only: no wrapped key until the second factor passes. */
  second_factor_pending: ColumnType<boolean, boolean | undefined, boolean>;
  webauthn_challenge: ColumnType<string | null, string | null | undefined, string | null>;
  second_factor_failures: ColumnType<number, number | undefined, number>;
  /** Sent back to the enrolment gate when 2FA became required (server/auth/two-factor-gate.ts). */
  two_factor_gated_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface AuthThrottleTable {
  key: string;
  failures: number;
  window_started_at: Date;
  locked_until: Date | null;
}

export interface ProofOfWorkSpentTable {
  signature: string;
  expires_at: Date;
}

export interface AuditLogTable {
  id: Generated<string>;
  at: CreatedAt;
  user_id: string | null;
  event: string;
  ip: string | null;
  details: unknown;
}

export interface MessagesTable {
  id: Generated<string>;
  user_id: string;
  folder: ColumnType<string, string | undefined, string>;
  seen: ColumnType<boolean, boolean | undefined, boolean>;
  received_at: ColumnType<Date, Date | string | undefined, Date | string>;
  size: number;
  raw_ciphertext: Uint8Array;
  summary_ciphertext: Uint8Array;
  /** Internal mail only: the server's attestation of the sender, encrypted to the recipient. */
  origin_ciphertext: ColumnType<Uint8Array | null, Uint8Array | null | undefined, Uint8Array | null>;
  /** HMAC of the thread's root Message-ID under the user's conversation key (browser-made); null until placed. */
  conversation_key: ColumnType<string | null, string | null | undefined, string | null>;
  starred: ColumnType<boolean, boolean | undefined, boolean>;
  /** When it reached its folder: Trash and Spam are purged MAILBOX_PURGE_DAYS after. */
  moved_at: ColumnType<Date, Date | undefined, Date>;
}

/** A label, or a folder of the user's own (`kind`); the name is ciphertext to the owner's key. */
export interface MailLabelsTable {
  id: Generated<string>;
  user_id: string;
  kind: 'label' | 'folder';
  name_ciphertext: Uint8Array;
  color: ColumnType<string, string | undefined, string>;
  created_at: CreatedAt;
}

export interface MessageLabelsTable {
  message_id: string;
  label_id: string;
}

export type DomainStatus = 'pending' | 'verified' | 'failed';
export type RecordKind = 'ownership' | 'mx' | 'spf' | 'dkim' | 'dmarc';
export type RecordStatus = 'ok' | 'missing' | 'mismatch' | 'pending';

export interface DomainsTable {
  id: Generated<string>;
  name: string;
  owner_id: string;
  verify_token: string;
  dkim_selector: string;
  dkim_public_key: string;
  dkim_private_key: Uint8Array;
  catch_all: ColumnType<boolean, boolean | undefined, boolean>;
  status: ColumnType<DomainStatus, DomainStatus | undefined, DomainStatus>;
  verified_at: Date | null;
  last_checked_at: Date | null;
  created_at: CreatedAt;
}

export interface DomainRecordsTable {
  domain_id: string;
  kind: RecordKind;
  status: ColumnType<RecordStatus, RecordStatus | undefined, RecordStatus>;
  found: string | null;
  checked_at: Date | null;
}

export interface AddressesTable {
  id: Generated<string>;
  user_id: string;
  domain_id: string | null;
  local_part: string;
  domain: string;
  address: string;
  kind: 'address' | 'alias';
  alias_style: 'custom' | 'random' | null;
  note: string | null;
  enabled: ColumnType<boolean, boolean | undefined, boolean>;
  is_default: ColumnType<boolean, boolean | undefined, boolean>;
  received_count: ColumnType<number, number | undefined, number>;
  blocked_count: ColumnType<number, number | undefined, number>;
  created_at: CreatedAt;
}

export type OutboundStatus = 'scheduled' | 'sending' | 'queued' | 'delivered' | 'partially-failed' | 'bounced' | 'cancelled';
export type RecipientStatus = 'queued' | 'sending' | 'deferred' | 'delivered' | 'failed' | 'cancelled';

export interface OutboundMessagesTable {
  id: Generated<string>;
  user_id: string;
  envelope_from: string;
  status: OutboundStatus;
  sealed_mime: Uint8Array | null;
  size: number;
  recipient_count: number;
  send_at: Date;
  next_attempt_at: Date | null;
  attempts: ColumnType<number, number | undefined, number>;
  claimed_by: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: ColumnType<Date, Date, never>;
  finished_at: Date | null;
  purge_after: Date | null;
}

export interface OutboundRecipientsTable {
  id: Generated<string>;
  outbound_id: string;
  address: string;
  domain: string;
  status: ColumnType<RecipientStatus, RecipientStatus | undefined, RecipientStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  last_reply: string | null;
  next_attempt_at: Date | null;
  expires_at: Date;
  updated_at: Date | null;
}

export interface DeadLettersTable {
  id: Generated<string>;
  outbound_id: string;
  recipient_id: string;
  recipient: string;
  status_code: string;
  reason: string;
  last_reply: string | null;
  created_at: Date;
  retried_at: Date | null;
}

export interface SendLimitsTable {
  user_id: string;
  per_hour: number | null;
  per_day: number | null;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

/** Instance-wide settings changed at run time; a missing key means the environment's default. */
export interface InstanceSettingsTable {
  key: string;
  value: ColumnType<unknown, string, string>;
  updated_at: Date;
  updated_by: string | null;
}

/** Single-use registration links (admin console); the token itself is never stored. */
export interface InvitesTable {
  id: Generated<string>;
  token_hash: string;
  created_by: string | null;
  created_at: CreatedAt;
  expires_at: Date;
  used_at: Date | null;
  used_by: string | null;
}

/** Usernames of deleted accounts, which can't be registered again until retired_until. */
export interface RetiredUsernamesTable {
  username: string;
  retired_until: Date;
}

export interface InstanceDkimKeysTable {
  domain: string;
  selector: string;
  public_key: string;
  private_key: Uint8Array;
  created_at: CreatedAt;
}

export interface PinnedKeysTable {
  id: Generated<string>;
  user_id: string;
  address: string;
  public_key: string;
  fingerprint: string;
  created_at: CreatedAt;
}

export type ScheduledInternalStatus = 'scheduled' | 'delivered' | 'cancelled';

export interface ScheduledInternalSendsTable {
  id: Generated<string>;
  user_id: string;
  from_address: string;
  status: ScheduledInternalStatus;
  send_at: Date;
  created_at: ColumnType<Date, Date, never>;
  finished_at: Date | null;
  /** The sender's Sent copy, filed with the send; null once filed or cancelled. */
  sent_raw_ciphertext: Uint8Array | null;
  sent_summary_ciphertext: Uint8Array | null;
  sent_size: number | null;
  /** The draft the send replaces, deleted when it is filed. */
  draft_id: string | null;
  /** The outbound messages of the same send, cancelled with it. */
  outbound_ids: ColumnType<string[], string | undefined, string>;
}

export interface ScheduledInternalCopiesTable {
  id: Generated<string>;
  send_id: string;
  /** The recipient mailbox. */
  user_id: string;
  address: string;
  size: number;
  raw_ciphertext: Uint8Array;
  summary_ciphertext: Uint8Array;
  origin_ciphertext: Uint8Array;
}

/** One send to people on this instance, counted against the sender's limits (no addresses). */
export interface InternalSendsTable {
  id: Generated<string>;
  user_id: string;
  recipient_count: number;
  created_at: Date;
  scheduled_id: string | null;
}

/** A secret the browser keeps for itself, encrypted to the user's own OpenPGP key. */
export interface UserVaultKeysTable {
  user_id: string;
  purpose: string;
  ciphertext: Uint8Array;
  created_at: CreatedAt;
}

/** An encrypted search index segment: opaque id, ciphertext, a version for optimistic updates. */
export interface SearchIndexSegmentsTable {
  user_id: string;
  segment_id: string;
  ciphertext: Uint8Array;
  version: ColumnType<number, number | undefined, number>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  auth_throttle: AuthThrottleTable;
  proof_of_work_spent: ProofOfWorkSpentTable;
  audit_log: AuditLogTable;
  messages: MessagesTable;
  domains: DomainsTable;
  domain_records: DomainRecordsTable;
  addresses: AddressesTable;
  outbound_messages: OutboundMessagesTable;
  outbound_recipients: OutboundRecipientsTable;
  dead_letters: DeadLettersTable;
  send_limits: SendLimitsTable;
  instance_settings: InstanceSettingsTable;
  instance_dkim_keys: InstanceDkimKeysTable;
  pinned_keys: PinnedKeysTable;
  scheduled_internal_sends: ScheduledInternalSendsTable;
  scheduled_internal_copies: ScheduledInternalCopiesTable;
  internal_sends: InternalSendsTable;
  user_totp: UserTotpTable;
  user_recovery_codes: UserRecoveryCodesTable;
  user_passkeys: UserPasskeysTable;
  invites: InvitesTable;
  retired_usernames: RetiredUsernamesTable;
  mail_filters: MailFiltersTable;
  user_vault_keys: UserVaultKeysTable;
  search_index_segments: SearchIndexSegmentsTable;
  mail_labels: MailLabelsTable;
  message_labels: MessageLabelsTable;
  // Display names and signatures (db/identity-schema.ts).
  sending_identities: SendingIdentitiesTable;
  // The sending platform (db/platform-schema.ts).
  api_keys: ApiKeysTable;
  platform_messages: PlatformMessagesTable;
  platform_events: PlatformEventsTable;
  idempotency_keys: IdempotencyKeysTable;
  templates: TemplatesTable;
  template_versions: TemplateVersionsTable;
  suppressions: SuppressionsTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  // The address book (db/contacts-schema.ts).
  contacts: ContactsTable;
  api_key_rate_buckets: ApiKeyRateBucketsTable;
}

/** A per-user filter rule (docs/filtering.md), applied by the MX at arrival. */
export interface MailFiltersTable {
  id: Generated<string>;
  user_id: string;
  field: 'from' | 'to' | 'subject' | 'has_attachment';
  contains: ColumnType<string, string | undefined, string>;
  action: 'move' | 'mark_read' | 'discard' | 'label';
  folder: string | null;
  /** For the label action only: one of the owner's labels (mail_labels, kind 'label'). */
  label_id: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
}

export type UserRow = Selectable<UsersTable>;
export type NewUserRow = Insertable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type MessageRow = Selectable<MessagesTable>;
export type NewMessageRow = Insertable<MessagesTable>;

export type DomainRow = Selectable<DomainsTable>;
export type DomainRecordRow = Selectable<DomainRecordsTable>;
export type AddressRow = Selectable<AddressesTable>;
export type OutboundMessageRow = Selectable<OutboundMessagesTable>;
export type OutboundRecipientRow = Selectable<OutboundRecipientsTable>;
export type DeadLetterRow = Selectable<DeadLettersTable>;
export type InstanceDkimKeyRow = Selectable<InstanceDkimKeysTable>;
export type PinnedKeyRow = Selectable<PinnedKeysTable>;
export type ScheduledInternalSendRow = Selectable<ScheduledInternalSendsTable>;
export type NewScheduledInternalCopyRow = Insertable<ScheduledInternalCopiesTable>;

export type MailLabelRow = Selectable<MailLabelsTable>;
