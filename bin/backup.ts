import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startEmbeddedPostgres } from '../db/embedded';
import { readBackupHeader } from '../server/backup/archive';
import { type BackupProgress, restoreBackup, writeBackup } from '../server/backup/backup';
import { parseEnv } from '../server/env';
import { AppError } from '../server/errors';
import { readSecret, readSecretFile } from './prompt';
import { openDatabase } from './runtime';

/**
 * `npm run cli -- backup FILE [--encrypt] [--passphrase-file F]` and
 * `npm run cli -- restore FILE [--passphrase-file F]`. docs/operations.md explains the method.
 */
const MIN_PASSPHRASE = 12;

function fileArgument(args: string[], usage: string): string {
  const file = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--passphrase-file');
  if (!file) throw new AppError('BAD_INPUT', usage);
  return path.resolve(file);
}

function passphraseFileArgument(args: string[]): string | undefined {
  const i = args.indexOf('--passphrase-file');
  if (i < 0) return undefined;
  const file = args[i + 1];
  if (!file) throw new AppError('BAD_INPUT', '--passphrase-file needs a file name.');
  return readSecretFile(file);
}

function progressPrinter(verb: string) {
  return (p: BackupProgress) => {
    const size = p.bytes === undefined ? '' : `, ${(p.bytes / 1024 / 1024).toFixed(1)} MB so far`;
    process.stderr.write(`${verb} ${String(p.index).padStart(String(p.of).length)}/${p.of} ${p.table}: ${p.rows} rows${size}\n`);
  };
}

export async function backupCommand(args: string[]): Promise<void> {
  const env = parseEnv();
  const file = fileArgument(args, 'usage: npm run cli -- backup FILE [--encrypt] [--passphrase-file F]');
  let passphrase = passphraseFileArgument(args);
  if (args.includes('--encrypt') && passphrase === undefined) passphrase = await readSecret('Backup passphrase', { confirm: true });
  if (passphrase !== undefined && passphrase.length < MIN_PASSPHRASE)
    throw new AppError('BAD_INPUT', `The passphrase must have at least ${MIN_PASSPHRASE} characters.`);

  const secretFile = path.join(path.resolve(env.DATA_DIR), 'secret.key');
  const secretKey = env.SECRET_KEY ?? (existsSync(secretFile) ? readFileSync(secretFile, 'utf8').trim() : undefined);
  if (!secretKey) throw new AppError('NOT_FOUND', `No SECRET_KEY and no ${secretFile}: nothing to back up here (check DATA_DIR).`);

  const database = await openDatabase(env);
  try {
    process.stderr.write(
      `Backing up the ${database.source === 'DATABASE_URL' ? 'database at DATABASE_URL' : 'embedded database'} to ${file}${passphrase ? ' (encrypted)' : ''}…\n`,
    );
    const started = Date.now();
    const result = await writeBackup({ url: database.url, secretKey, file, passphrase, onProgress: progressPrinter('table') });
    process.stderr.write(
      `Backup written: ${file}, ${result.tables} tables, ${result.rows} rows, ${(result.bytes / 1024 / 1024).toFixed(1)} MB in ${((Date.now() - started) / 1000).toFixed(1)} s` +
        `${passphrase ? ', encrypted' : ', NOT encrypted: it holds the instance secret, keep it safe'}.\n`,
    );
  } finally {
    await database.cluster?.stop();
  }
}

export async function restoreCommand(args: string[]): Promise<void> {
  const env = parseEnv();
  const file = fileArgument(args, 'usage: npm run cli -- restore FILE [--passphrase-file F]');
  if (!existsSync(file)) throw new AppError('NOT_FOUND', `${file} does not exist.`);
  const header = await readBackupHeader(file);
  let passphrase = passphraseFileArgument(args);
  if (header.encrypted && passphrase === undefined) passphrase = await readSecret('Backup passphrase');

  const dataDir = path.resolve(env.DATA_DIR);
  const secretFile = path.join(dataDir, 'secret.key');
  if (existsSync(secretFile)) throw new AppError('BAD_INPUT', `${secretFile} exists: restore into an empty DATA_DIR.`);
  if (!env.DATABASE_URL && existsSync(dataDir) && readdirSync(dataDir).length) {
    throw new AppError('BAD_INPUT', `DATA_DIR=${dataDir} is not empty: restore into an empty DATA_DIR (or set DATABASE_URL to an empty database).`);
  }
  const cluster = env.DATABASE_URL ? undefined : await startEmbeddedPostgres({ dataDir });
  const url = env.DATABASE_URL ?? cluster!.url;
  try {
    process.stderr.write(`Restoring ${file} into ${cluster ? `a new embedded database in ${dataDir}` : 'the database at DATABASE_URL'}…\n`);
    const result = await restoreBackup({ url, file, passphrase, onProgress: progressPrinter('table') });
    writeFileSync(secretFile, `${result.secretKey}\n`, { mode: 0o600, flag: 'wx' });
    process.stderr.write(
      `Restored the backup of ${result.createdAt}: ${result.tables} tables, ${result.rows} rows; the instance secret is in ${secretFile}.\n`,
    );
    if (env.SECRET_KEY && env.SECRET_KEY !== result.secretKey) {
      process.stderr.write(
        "Warning: SECRET_KEY in the environment differs from the backup's secret. Unset it, or set it to the content of secret.key, or DKIM keys and queued mail stay unreadable.\n",
      );
    }
  } finally {
    await cluster?.stop();
  }
}
