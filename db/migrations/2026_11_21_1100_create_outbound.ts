import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // One row per message handed to the server for external delivery (DESIGN.md, "Other external
  // recipients"). The envelope is plaintext by design until delivery; the message itself is sealed.
  await db.schema
    .createTable('outbound_messages')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('envelope_from', 'text', (c) => c.notNull())
    // scheduled | sending | queued | delivered | partially-failed | bounced | cancelled
    .addColumn('status', 'text', (c) => c.notNull())
    // nonce || AES-256-GCM(DKIM-signed RFC 5322 bytes) || tag, under a key derived from SECRET_KEY.
    // NULL once nothing can need it again: every recipient final and no dead letter left to retry.
    .addColumn('sealed_mime', 'bytea')
    .addColumn('size', 'integer', (c) => c.notNull())
    // Counted against the sender's hourly and daily limits.
    .addColumn('recipient_count', 'integer', (c) => c.notNull())
    .addColumn('send_at', 'timestamptz', (c) => c.notNull())
    // The earliest time a recipient is due; NULL once every recipient is final.
    .addColumn('next_attempt_at', 'timestamptz')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    // The worker session (application_name) of the attempt in progress; see worker-presence.repository.ts.
    .addColumn('claimed_by', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    // When a finished message that bounced loses its sealed copy (dead letters can be retried until then).
    .addColumn('purge_after', 'timestamptz')
    .execute();
  await sql`CREATE INDEX outbound_messages_user_created_idx ON outbound_messages (user_id, created_at DESC)`.execute(db);
  // Messages not yet final, for the sweep (due ones, and 'sending' ones whose worker died). One
  // small partial index rather than one per status: every status change writes to each index a
  // row version belongs to, and this table changes status three times per message.
  await sql`CREATE INDEX outbound_messages_active_idx ON outbound_messages (next_attempt_at) WHERE status IN ('scheduled', 'queued', 'sending')`.execute(db);
  // Only bounced messages whose copy is kept for their dead letters have a purge time.
  await sql`CREATE INDEX outbound_messages_purge_idx ON outbound_messages (purge_after) WHERE purge_after IS NOT NULL`.execute(db);

  await db.schema
    .createTable('outbound_recipients')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('outbound_id', 'uuid', (c) => c.notNull().references('outbound_messages.id').onDelete('cascade'))
    .addColumn('address', 'text', (c) => c.notNull())
    // ASCII (punycode), lowercase: recipients are grouped by it into one SMTP transaction each.
    .addColumn('domain', 'text', (c) => c.notNull())
    // queued | sending | deferred | delivered | failed | cancelled. 'sending' is written before the
    // SMTP transaction starts and replaced after its reply, so a crash leaves a visible marker.
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('queued'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_reply', 'text')
    .addColumn('next_attempt_at', 'timestamptz')
    // Give up (4.4.7) once a retry would fall after this: five days after the first try.
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('outbound_recipients_outbound_idx').on('outbound_recipients').column('outbound_id').execute();

  await db.schema
    .createTable('dead_letters')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('outbound_id', 'uuid', (c) => c.notNull().references('outbound_messages.id').onDelete('cascade'))
    .addColumn('recipient_id', 'uuid', (c) => c.notNull().references('outbound_recipients.id').onDelete('cascade'))
    .addColumn('recipient', 'text', (c) => c.notNull())
    // RFC 3463 enhanced status code, e.g. 5.1.1, 5.1.10 (Null MX), 4.4.7 (expired).
    .addColumn('status_code', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('last_reply', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('retried_at', 'timestamptz')
    .execute();
  await sql`CREATE INDEX dead_letters_created_idx ON dead_letters (created_at DESC, id DESC)`.execute(db);
  await db.schema.createIndex('dead_letters_outbound_idx').on('dead_letters').column('outbound_id').execute();

  // Per-user overrides of SEND_LIMIT_PER_HOUR / SEND_LIMIT_PER_DAY, set by an admin; NULL = default.
  await db.schema
    .createTable('send_limits')
    .addColumn('user_id', 'uuid', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('per_hour', 'integer')
    .addColumn('per_day', 'integer')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // The DKIM key for the instance's own MAIL_DOMAIN, which has no domains row. Made on first use.
  await db.schema
    .createTable('instance_dkim_keys')
    .addColumn('domain', 'text', (c) => c.primaryKey())
    .addColumn('selector', 'text', (c) => c.notNull())
    // base64 DER SubjectPublicKeyInfo, as published in the p= tag.
    .addColumn('public_key', 'text', (c) => c.notNull())
    // nonce || AES-256-GCM(PKCS#8 PEM) || tag, the same sealing as domains.dkim_private_key.
    .addColumn('private_key', 'bytea', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('instance_dkim_keys').execute();
  await db.schema.dropTable('send_limits').execute();
  await db.schema.dropTable('dead_letters').execute();
  await db.schema.dropTable('outbound_recipients').execute();
  await db.schema.dropTable('outbound_messages').execute();
}
