import { type Kysely, sql } from 'kysely';

/**
 * The sending platform for domain owners: API keys, mail the server composes for them (its
 * delivery state lives in outbound_messages like any other), templates, suppressions, webhooks and
 * the event log that stats and webhooks read. Everything is keyed by the domain name, so the
 * instance's own MAIL_DOMAIN (which has no domains row) works the same way.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('domain', 'text', (c) => c.notNull())
    // NULL for the instance's MAIL_DOMAIN; a deleted domain takes its keys with it.
    .addColumn('domain_id', 'uuid', (c) => c.references('domains.id').onDelete('cascade'))
    // Whose outbound mail this key's sends are (the domain owner, or the admin who made a MAIL_DOMAIN key).
    .addColumn('owner_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    // The first characters of the key, shown in lists so an owner can tell keys apart.
    .addColumn('prefix', 'text', (c) => c.notNull())
    // HMAC-SHA256 under a key derived from SECRET_KEY: the key itself is shown once and never stored.
    .addColumn('key_hash', 'bytea', (c) => c.notNull().unique())
    .addColumn('scopes', sql`text[]`, (c) => c.notNull())
    .addColumn('rate_per_minute', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('api_keys_domain_idx').on('api_keys').column('domain').execute();

  // One row per message sent through the API or SMTP submission; id = outbound_messages.id. No
  // foreign key: the outbound row is purged after delivery, while this row and its events stay for stats.
  await db.schema
    .createTable('platform_messages')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('domain', 'text', (c) => c.notNull())
    .addColumn('key_id', 'uuid', (c) => c.references('api_keys.id').onDelete('set null'))
    .addColumn('envelope_from', 'text', (c) => c.notNull())
    // scheduled | queued | cancelled | suppressed (every recipient was)
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('tags', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('metadata', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('batch_id', 'uuid')
    .addColumn('send_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`CREATE INDEX platform_messages_domain_created_idx ON platform_messages (domain, created_at DESC)`.execute(db);

  await db.schema
    .createTable('platform_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('message_id', 'uuid', (c) => c.notNull())
    .addColumn('domain', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text', (c) => c.notNull())
    // accepted | delivered | deferred | bounced | failed | suppressed | cancelled
    .addColumn('type', 'text', (c) => c.notNull())
    // The remote server's last reply, for delivered/deferred/bounced/failed.
    .addColumn('detail', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('platform_events_message_idx').on('platform_events').column('message_id').execute();
  await sql`CREATE INDEX platform_events_domain_created_idx ON platform_events (domain, created_at)`.execute(db);

  // A retried request with the same Idempotency-Key gets the first answer back instead of sending again.
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('key_id', 'uuid', (c) => c.notNull().references('api_keys.id').onDelete('cascade'))
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('response', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['key_id', 'idempotency_key'])
    .execute();

  // Templates are plaintext by design (the README says so): the server renders them.
  await db.schema
    .createTable('templates')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('domain', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('html', 'text')
    .addColumn('text', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('templates_domain_name_unique', ['domain', 'name'])
    .execute();
  await db.schema
    .createTable('template_versions')
    .addColumn('template_id', 'uuid', (c) => c.notNull().references('templates.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('html', 'text')
    .addColumn('text', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('template_versions_pk', ['template_id', 'version'])
    .execute();

  await db.schema
    .createTable('suppressions')
    .addColumn('domain', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    // hard-bounce | manual
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('suppressions_pk', ['domain', 'address'])
    .execute();

  await db.schema
    .createTable('webhooks')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('domain', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    // The signing secret, sealed under a key derived from SECRET_KEY (it must be read to sign).
    .addColumn('secret', 'bytea', (c) => c.notNull())
    .addColumn('events', sql`text[]`, (c) => c.notNull())
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhooks_domain_idx').on('webhooks').column('domain').execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('webhook_id', 'uuid', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
    .addColumn('event_id', 'bigint', (c) => c.notNull())
    // pending | delivered | failed (gave up)
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz')
    .addColumn('last_status', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await sql`CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'`.execute(db);
  await sql`CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, id DESC)`.execute(db);

  // Delivery outcomes become platform events in the statement that records them, so the delivery
  // code needs to know nothing of the platform. Only rows of platform messages produce events; a
  // 5xx final failure is a hard bounce and suppresses the address for the domain.
  await sql`
    CREATE FUNCTION platform_recipient_event() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      msg_domain text;
      kind text;
    BEGIN
      SELECT domain INTO msg_domain FROM platform_messages WHERE id = NEW.outbound_id;
      IF NOT FOUND THEN RETURN NULL; END IF;
      kind := CASE NEW.status WHEN 'delivered' THEN 'delivered' WHEN 'deferred' THEN 'deferred'
                WHEN 'failed' THEN CASE WHEN coalesce(NEW.last_reply, '') ~ '^5' THEN 'bounced' ELSE 'failed' END END;
      INSERT INTO platform_events (message_id, domain, recipient, type, detail) VALUES (NEW.outbound_id, msg_domain, NEW.address, kind, left(NEW.last_reply, 500));
      IF kind = 'bounced' THEN
        INSERT INTO suppressions (domain, address, reason, detail) VALUES (msg_domain, lower(NEW.address), 'hard-bounce', left(NEW.last_reply, 500))
          ON CONFLICT DO NOTHING;
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER outbound_recipients_platform_event AFTER UPDATE OF status, attempts ON outbound_recipients
      FOR EACH ROW WHEN (NEW.status IN ('delivered', 'deferred', 'failed') AND (NEW.status IS DISTINCT FROM OLD.status OR NEW.attempts <> OLD.attempts))
      EXECUTE FUNCTION platform_recipient_event()`.execute(db);

  // Each event is owed to every enabled webhook of its domain that asked for its type.
  await sql`
    CREATE FUNCTION platform_event_webhooks() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO webhook_deliveries (webhook_id, event_id, status, next_attempt_at, created_at)
        SELECT w.id, NEW.id, 'pending', now(), now() FROM webhooks w WHERE w.domain = NEW.domain AND w.enabled AND NEW.type = ANY (w.events);
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER platform_events_webhooks AFTER INSERT ON platform_events FOR EACH ROW EXECUTE FUNCTION platform_event_webhooks()`.execute(db);

  // Rows keyed by name must not outlive their domain: whoever adds the name next starts clean.
  // (api_keys go by their domain_id foreign key.)
  await sql`
    CREATE FUNCTION platform_domain_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      DELETE FROM templates WHERE domain = OLD.name;
      DELETE FROM webhooks WHERE domain = OLD.name;
      DELETE FROM suppressions WHERE domain = OLD.name;
      DELETE FROM platform_events WHERE domain = OLD.name;
      DELETE FROM platform_messages WHERE domain = OLD.name;
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER domains_platform_cleanup AFTER DELETE ON domains FOR EACH ROW EXECUTE FUNCTION platform_domain_deleted()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER domains_platform_cleanup ON domains`.execute(db);
  await sql`DROP FUNCTION platform_domain_deleted()`.execute(db);
  await sql`DROP TRIGGER platform_events_webhooks ON platform_events`.execute(db);
  await sql`DROP FUNCTION platform_event_webhooks()`.execute(db);
  await sql`DROP TRIGGER outbound_recipients_platform_event ON outbound_recipients`.execute(db);
  await sql`DROP FUNCTION platform_recipient_event()`.execute(db);
  for (const table of [
    'webhook_deliveries',
    'webhooks',
    'suppressions',
    'template_versions',
    'templates',
    'idempotency_keys',
    'platform_events',
    'platform_messages',
    'api_keys',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
