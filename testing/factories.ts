import { randomBytes } from 'node:crypto';
import { prepareRegistration } from '../crypto/account';
import type { Db } from '../db/client';
import { type Account, register } from '../server/auth/account.service';
import { env } from '../server/env';
import { settingsFrom } from '../server/settings';

export interface TestUser {
  account: Account;
  username: string;
  password: string;
  phrase: string;
  privateKeyArmored: string;
  publicKeyArmored: string;
}

/** A unique user made through the same crypto/ code as the browser. */
export async function createTestUser(db: Db, options: { username?: string; password?: string; isAdmin?: boolean } = {}): Promise<TestUser> {
  const username = options.username ?? `user${randomBytes(5).toString('hex')}`;
  const password = options.password ?? `pw-${randomBytes(9).toString('base64url')}`;
  const prepared = await prepareRegistration({ username, email: `${username}@${env().MAIL_DOMAIN}`, password });
  const account = await register(db, prepared.payload, { settings: settingsFrom(env()), viaCli: true, isAdmin: options.isAdmin });
  return {
    account,
    username,
    password,
    phrase: prepared.phrase,
    privateKeyArmored: prepared.privateKeyArmored,
    publicKeyArmored: prepared.payload.publicKey,
  };
}
