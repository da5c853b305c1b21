import { type Cookie, type Page, expect } from '@playwright/test';
import { createUserWithCli, signIn, uniqueName } from './helpers';

/**
 * Signing in costs an Argon2id run in the browser (about a second, more on a busy machine) plus the
 * login page. Tests whose subject is not sign-in (accounts, proof of work, the secrets and CSP specs
 * sign in through the form on purpose) take a mailbox from here instead: each user signs in through
 * the real login page once per worker, and later pages reuse that browser state: the session cookie
 * and the sealed key in sessionStorage (which Playwright's storageState leaves out). The key Worker
 * unseals it on load, as after a reload.
 */
export interface E2eUser {
  username: string;
  password: string;
  address: string;
}

export type Credentials = Pick<E2eUser, 'username' | 'password'>;

const PASSWORD = 'e2e-password-0123';

/** A new user made through the CLI, with the real registration and crypto code. */
export async function newUser(prefix = 'user', password = PASSWORD): Promise<E2eUser> {
  const username = uniqueName(prefix);
  await createUserWithCli(username, password);
  return { username, password, address: `${username}@localhost` };
}

/** app/lib/keys/key-proxy.ts keeps wrapKey, sealed under the session's server-held key, here. */
const SESSION_BLOB = 'sealpost.session';

interface SignedInState {
  cookies: Cookie[];
  sessionBlob: string;
}

// One per worker process: a user's session outlives the test that made it.
const states = new Map<string, Promise<SignedInState>>();

async function saveState(page: Page): Promise<SignedInState> {
  const sessionBlob = await page.evaluate((key) => sessionStorage.getItem(key), SESSION_BLOB);
  if (!sessionBlob) throw new Error('signing in left no sealed key in sessionStorage');
  return { cookies: await page.context().cookies(), sessionBlob };
}

/**
 * Shows `user`'s inbox in `page`, signed in: the first time through the login page in this page
 * (so a first sign-in costs what it always did), afterwards from the saved state. Switching a page
 * to another user needs no sign-out. A test that signs out or revokes the session must call
 * `forgetSession(user)` after.
 */
export async function openMailbox(page: Page, user: Credentials, path = '/inbox'): Promise<void> {
  const saved = states.get(user.username);
  if (!saved) {
    await page.context().clearCookies();
    const state = signIn(page, user.username, user.password).then(() => saveState(page));
    states.set(user.username, state);
    state.catch(() => states.delete(user.username));
    await state;
    if (path !== '/inbox') await page.goto(path);
    return;
  }
  const { cookies, sessionBlob } = await saved;
  await page.context().clearCookies();
  await page.context().addCookies(cookies);
  // sessionStorage belongs to the tab and the origin: set it from a page of the app's origin that
  // runs none of the app's scripts, before the app's first page loads.
  await page.goto('/api/health');
  await page.evaluate(([key, blob]) => sessionStorage.setItem(key, blob), [SESSION_BLOB, sessionBlob]);
  await page.goto(path);
  if (path === '/inbox') await expect(page.getByRole('heading', { name: 'Inbox' })).toBeVisible();
}

export function forgetSession(user: Credentials): void {
  states.delete(user.username);
}
