import 'server-only';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../../db/client';
import { findLiveApiKeyByHash, insertApiKey, listApiKeys, revokeApiKey, touchApiKey } from '../../db/repositories/api-key.repository';
import { insertAuditEvent } from '../../db/repositories/audit.repository';
import { findDomainByName } from '../../db/repositories/domain.repository';
import { findUserByUsername } from '../../db/repositories/user.repository';
import type { ApiKeyRow, ApiScope } from '../../db/platform-schema';
import type { Account } from '../auth/account.service';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import { keyedHash } from '../secrets';
import type { Settings } from '../settings';
import { type ApiKeyCache, apiKeyCache } from './key-cache';

export const API_SCOPES = ['send', 'stats', 'templates', 'webhooks'] as const satisfies readonly ApiScope[];
const HASH_PURPOSE = 'api-key';
const KEY_PREFIX = 'sp_';

/** Who an API request or a submission session acts for. */
export interface ApiPrincipal {
  keyId: string;
  domain: string;
  /** The user whose outbound mail these sends are. */
  ownerId: string;
  scopes: ApiScope[];
  ratePerMinute: number;
}

export interface ApiKey {
  id: string;
  domain: string;
  name: string;
  prefix: string;
  scopes: ApiScope[];
  ratePerMinute: number;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export function rowToApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    domain: row.domain,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    ratePerMinute: row.rate_per_minute,
    createdAt: row.created_at.toISOString(),
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}

/**
 * The domain an actor may manage platform settings of: a domain they own, or the instance's own
 * MAIL_DOMAIN for an administrator. Returns the owner whose outbound mail the sends become and the domain row id.
 */
export async function domainForActor(
  db: Db,
  settings: Settings,
  actor: Account,
  domain: string,
): Promise<{ domain: string; domainId: string | null; ownerId: string }> {
  const name = domain.trim().toLowerCase();
  if (name === settings.mailDomain) {
    if (!actor.isAdmin) throw new AppError('FORBIDDEN', `Only an administrator can manage sending for ${name}.`);
    return { domain: name, domainId: null, ownerId: actor.id };
  }
  const row = await findDomainByName(db, name);
  if (!row || row.owner_id !== actor.id) throw new AppError('NOT_FOUND', `${name} isn't one of your domains.`);
  return { domain: row.name, domainId: row.id, ownerId: row.owner_id };
}

export interface CreateApiKeyInput {
  domain: string;
  name: string;
  scopes: ApiScope[];
  ratePerMinute?: number;
}

/** Makes a key; the returned `secret` is the only time anyone sees it (only its HMAC is stored). */
export async function createApiKey(
  db: Db,
  clock: Clock,
  settings: Settings,
  actor: Account,
  input: CreateApiKeyInput,
): Promise<{ key: ApiKey; secret: string }> {
  return insertKey(db, clock, settings, await domainForActor(db, settings, actor, input.domain), input, actor.id);
}

/**
 * The CLI's way (`npm run cli -- apikey create <domain>`): the operator may make a key for any
 * domain on the instance. Sends are the domain owner's; for MAIL_DOMAIN, `owner` (a username, an
 * administrator) names whose they are.
 */
export async function createApiKeyAsOperator(
  db: Db,
  clock: Clock,
  settings: Settings,
  input: CreateApiKeyInput & { owner?: string },
): Promise<{ key: ApiKey; secret: string }> {
  const name = input.domain.trim().toLowerCase();
  if (name === settings.mailDomain) {
    if (!input.owner) throw new AppError('BAD_INPUT', `A key for ${name} needs --owner <admin username>.`);
    const user = await findUserByUsername(db, input.owner);
    if (!user?.is_admin) throw new AppError('FORBIDDEN', `${input.owner} is not an administrator.`);
    return insertKey(db, clock, settings, { domain: name, domainId: null, ownerId: user.id }, input, null);
  }
  const row = await findDomainByName(db, name);
  if (!row) throw new AppError('NOT_FOUND', `${name} is not a domain on this instance.`);
  return insertKey(db, clock, settings, { domain: row.name, domainId: row.id, ownerId: row.owner_id }, input, null);
}

async function insertKey(
  db: Db,
  clock: Clock,
  settings: Settings,
  target: { domain: string; domainId: string | null; ownerId: string },
  input: CreateApiKeyInput,
  actorId: string | null,
): Promise<{ key: ApiKey; secret: string }> {
  const scopes = [...new Set(input.scopes)].filter((s) => (API_SCOPES as readonly string[]).includes(s));
  if (scopes.length === 0 || scopes.length !== new Set(input.scopes).size) throw new AppError('BAD_INPUT', `Scopes are any of: ${API_SCOPES.join(', ')}.`);
  const secret = `${KEY_PREFIX}${randomBytes(24).toString('base64url')}`;
  const row = await insertApiKey(db, {
    id: randomUUID(),
    domain: target.domain,
    domain_id: target.domainId,
    owner_id: target.ownerId,
    name: input.name.trim() || 'API key',
    prefix: secret.slice(0, 10),
    key_hash: keyedHash(HASH_PURPOSE, secret),
    scopes,
    rate_per_minute: input.ratePerMinute ?? settings.apiKeyRatePerMinute,
    created_at: clock.now(),
    last_used_at: null,
    revoked_at: null,
  });
  await insertAuditEvent(db, {
    event: 'api_key.created',
    user_id: actorId,
    details: { domain: row.domain, keyId: row.id, scopes, via: actorId ? 'web' : 'cli' },
  });
  return { key: rowToApiKey(row), secret };
}

export async function listKeys(db: Db, settings: Settings, actor: Account, domain: string): Promise<ApiKey[]> {
  const target = await domainForActor(db, settings, actor, domain);
  return (await listApiKeys(db, target.domain)).map(rowToApiKey);
}

export async function revokeKey(db: Db, clock: Clock, settings: Settings, actor: Account, domain: string, id: string): Promise<ApiKey> {
  const target = await domainForActor(db, settings, actor, domain);
  const row = await revokeApiKey(db, target.domain, id, clock.now());
  if (!row) throw new AppError('NOT_FOUND', 'That key does not exist or is already revoked.');
  // At once on this node; other nodes' caches let it go within KEY_CACHE_TTL_MS.
  apiKeyCache.forget(row.id);
  await insertAuditEvent(db, { event: 'api_key.revoked', user_id: actor.id, details: { domain: row.domain, keyId: row.id } });
  return rowToApiKey(row);
}

// "Last used" is written at most once a minute per key: a key sending 1,000 requests a second
// must not cost 1,000 extra writes.
const TOUCH_EVERY_MS = 60_000;

/**
 * The principal of a key, or UNAUTHORIZED. Keys are looked up through the process's cache (see
 * key-cache.ts): one query per key every few seconds, not one per request. Updates "last used"
 * (coarsely).
 */
export async function authenticateApiKey(db: Db, clock: Clock, secret: string, cache: ApiKeyCache = apiKeyCache): Promise<ApiPrincipal> {
  if (!secret.startsWith(KEY_PREFIX) || secret.length > 200) throw new AppError('UNAUTHORIZED', 'That API key is not valid.');
  const hash = keyedHash(HASH_PURPOSE, secret);
  const cacheKey = hash.toString('base64');
  const now = clock.now();
  let entry = cache.get(cacheKey, now.getTime());
  if (!entry) {
    const row = await findLiveApiKeyByHash(db, hash);
    entry = {
      principal: row ? { keyId: row.id, domain: row.domain, ownerId: row.owner_id, scopes: row.scopes, ratePerMinute: row.rate_per_minute } : null,
      lastUsedAt: row?.last_used_at?.getTime() ?? 0,
      checkedAt: now.getTime(),
    };
    cache.set(cacheKey, entry);
  }
  if (!entry.principal) throw new AppError('UNAUTHORIZED', 'That API key is not valid or has been revoked.');
  if (now.getTime() - entry.lastUsedAt >= TOUCH_EVERY_MS) {
    entry.lastUsedAt = now.getTime();
    await touchApiKey(db, entry.principal.keyId, now);
  }
  return entry.principal;
}

export function requireScope(principal: ApiPrincipal, scope: ApiScope): void {
  if (!principal.scopes.includes(scope)) throw new AppError('FORBIDDEN', `This API key lacks the "${scope}" scope.`, { scope });
}
