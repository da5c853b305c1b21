import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type Page, expect } from '@playwright/test';
import pg from 'pg';
import { E2E } from '../playwright.config';

const run = promisify(execFile);

/** The e2e instance's database URL, from the CLI as an operator would get it (`npm run cli -- db url`). */
export async function databaseUrl(): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'bin/cli.ts', 'db', 'url'], {
    env: { ...process.env, DATA_DIR: E2E.dataDir, MAIL_DOMAIN: 'localhost', LOG_LEVEL: 'warn' },
  });
  return stdout.trim();
}

/** Every row of every table as text; bytea columns come out as \x-hex in a row's text form. */
export async function dumpAllTables(): Promise<{ tables: string[]; text: string }> {
  const client = new pg.Client({ connectionString: await databaseUrl() });
  await client.connect();
  try {
    await client.query('CHECKPOINT').catch(() => undefined);
    const { rows: tables } = await client.query<{ schema: string; name: string }>(
      `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
       WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
    );
    const parts: string[] = [];
    for (const table of tables) {
      const { rows } = await client.query<{ row: string }>(`SELECT t::text AS row FROM ${client.escapeIdentifier(table.schema)}.${client.escapeIdentifier(table.name)} AS t`);
      parts.push(...rows.map((r) => r.row));
    }
    return { tables: tables.map((t) => t.name), text: parts.join('\n') };
  } finally {
    await client.end();
  }
}

/** A tRPC query as the signed-in page would make it (same cookies). */
export async function trpcQuery<T>(page: Page, path: string, input: unknown): Promise<T> {
  const response = await page.request.get(`/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`);
  expect(response.ok()).toBe(true);
  return ((await response.json()) as { result: { data: T } }).result.data;
}

export interface OutboundRow {
  id: string;
  status: string;
  sendAt: string;
  attempts: number;
  recipients: { address: string; status: string; attempts: number }[];
}

export const outboundList = (page: Page) => trpcQuery<OutboundRow[]>(page, 'outbound.list', { limit: 100 });

/** Opens compose with the keyboard shortcut and fills it; the caller sends. */
export async function composeMessage(page: Page, message: { to: string[]; subject: string; body: string; attach?: { name: string; content: string } }) {
  await page.getByRole('heading', { name: 'Inbox' }).click();
  await page.keyboard.press('c');
  const compose = page.getByTestId('compose');
  await expect(compose).toBeVisible();
  const to = compose.getByRole('combobox', { name: 'To' });
  for (const address of message.to) {
    await to.fill(address);
    await to.press('Enter');
  }
  await compose.getByLabel('Subject').fill(message.subject);
  await compose.getByTestId('rich-editor').click();
  await page.keyboard.type(message.body);
  if (message.attach) {
    await compose.getByLabel('Files to attach').setInputFiles({ name: message.attach.name, mimeType: 'text/plain', buffer: Buffer.from(message.attach.content) });
    await expect(compose.getByTestId('compose-attachment').filter({ hasText: message.attach.name })).toBeVisible();
  }
  return compose;
}
