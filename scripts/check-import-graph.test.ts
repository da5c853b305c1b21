import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

/** scripts/check-import-graph.mjs over small trees written to a temporary root. */
const script = path.join(import.meta.dirname, 'check-import-graph.mjs');
const roots: string[] = [];

function check(files: Record<string, string>) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'sealpost-graph-'));
  roots.push(root);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  const run = spawnSync(process.execPath, [script, root], { encoding: 'utf8' });
  return { status: run.status, output: run.stdout + run.stderr };
}
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

const layered = {
  'server/outbound/queue.ts': "import { now } from '../clock';\nexport const queue = now;\n",
  'server/compose/send.ts': "import { queue } from '../outbound/queue';\nexport const send = queue;\n",
  'server/clock.ts': 'export const now = () => 0;\n',
  'smtp/main.ts': "import { send } from '@/server/compose/send';\nexport const main = send;\n",
};

describe('check-import-graph', () => {
  it('passes a layered tree', () => {
    expect(check(layered)).toMatchObject({ status: 0, output: expect.stringContaining('no cycles') });
  });

  it('fails when two folders import each other, even through a type, and names both imports', () => {
    const result = check({
      ...layered,
      'server/outbound/queue.ts': "import type { send } from '../compose/send';\nexport const queue = 1 as unknown as typeof send;\n",
    });
    expect(result.status).toBe(1);
    expect(result.output).toContain('import cycle between folders server/compose, server/outbound');
    expect(result.output).toContain("server/outbound/queue.ts imports '../compose/send'");
    expect(result.output).toContain("server/compose/send.ts imports '../outbound/queue'");
  });

  it('fails when two files in one folder import values from each other, through the @/ alias too', () => {
    const result = check({
      ...layered,
      'server/compose/draft.ts': "import { send } from '@/server/compose/send';\nexport const draft = () => send;\n",
      'server/compose/send.ts': "import { queue } from '../outbound/queue';\nimport { draft } from './draft';\nexport const send = () => [queue, draft];\n",
    });
    expect(result.status).toBe(1);
    expect(result.output).toContain('import cycle at run time between files server/compose/draft.ts, server/compose/send.ts');
  });

  it('lets two files in one folder share types both ways, which the compiler erases', () => {
    const result = check({
      ...layered,
      'server/compose/draft.ts': "import type { Send } from '@/server/compose/send';\nexport type Draft = { send: Send };\n",
      'server/compose/send.ts': "import { queue } from '../outbound/queue';\nimport { type Draft } from './draft';\nexport type Send = Draft | typeof queue;\n",
    });
    expect(result).toMatchObject({ status: 0 });
  });

  it('fails when anything under server/ imports smtp/, a harness included', () => {
    const result = check({ ...layered, 'server/outbound/testing/sink.ts': "import { main } from '../../../smtp/main';\nexport const sink = main;\n" });
    expect(result.status).toBe(1);
    expect(result.output).toContain("server/ must not import smtp/: server/outbound/testing/sink.ts imports '../../../smtp/main'");
  });

  it('fails when production code imports a test helper; tests, e2e/ and bench/ may', () => {
    const helper = { 'testing/factories.ts': "import { now } from '../server/clock';\nexport const user = now;\n" };
    const allowed = check({
      ...layered,
      ...helper,
      'server/outbound/queue.test.ts': "import { user } from '../../testing/factories';\nexport const t = user;\n",
      'e2e/inbox.spec.ts': "import { user } from '../testing/factories';\nexport const t = user;\n",
      'bench/load.ts': "import { user } from '@/testing/factories';\nexport const t = user;\n",
      'smtp/testing/harness.ts': "import { user } from '../../testing/factories';\nexport const h = user;\n",
    });
    expect(allowed).toMatchObject({ status: 0 });
    const result = check({
      ...layered,
      ...helper,
      'server/compose/send.ts': "import type { user } from '@/testing/factories';\nexport const send = 1 as unknown as typeof user;\n",
    });
    expect(result.status).toBe(1);
    expect(result.output).toContain("production code must not import test helpers: server/compose/send.ts imports '@/testing/factories'");
  });

  it('ignores imports in comments and in test files, which nothing imports back', () => {
    const result = check({
      ...layered,
      'server/outbound/queue.ts': "// import { send } from '../compose/send';\nexport const queue = 1;\n",
      'server/outbound/queue.test.ts': "import { send } from '../compose/send';\nexport const t = send;\n",
    });
    expect(result.status).toBe(0);
  });

  const marked = {
    'server/env.ts': "import 'server-only';\nexport const env = () => ({});\n",
    'server/db.ts': "import 'server-only';\nimport { env } from './env';\nexport const getDb = () => env;\n",
    'server/mail/mailbox.service.ts':
      "import 'server-only';\nimport { getDb } from '../db';\nexport type Mailbox = { id: string };\nexport const list = getDb;\n",
    'mime/folders.ts': "export const FOLDERS = ['inbox'];\n",
    'app/lib/mail/use-mail.ts':
      "'use client';\nimport { FOLDERS } from '@/mime/folders';\nimport type { Mailbox } from '@/server/mail/mailbox.service';\nexport const x: Mailbox[] = FOLDERS.map((id) => ({ id }));\n",
    'app/inbox/page.tsx': "import { list } from '@/server/mail/mailbox.service';\nexport default function Page() { return list(); }\n",
    'app/api/mail/route.ts': "import { getDb } from '@/server/db';\nexport const GET = getDb;\n",
  };

  it('lets browser code take types from server-only modules, and pages and route handlers call them', () => {
    expect(check(marked)).toMatchObject({ status: 0, output: expect.stringContaining('browser code reaches no server-only module') });
  });

  it('fails when browser code reaches a server-only module through a value import, and shows the way', () => {
    const result = check({
      ...marked,
      'server/mail/folders.ts': "import { getDb } from '../db';\nexport const FOLDERS = ['inbox', getDb];\n",
      'app/lib/mail/use-mail.ts': "'use client';\nimport { FOLDERS } from '@/server/mail/folders';\nexport const x = FOLDERS;\n",
    });
    expect(result.status).toBe(1);
    expect(result.output).toContain(
      'browser code reaches a server-only module at run time: app/lib/mail/use-mail.ts → server/mail/folders.ts → server/db.ts\n',
    );
    expect(result.output).toContain('app/lib/mail/use-mail.ts → server/mail/folders.ts → server/db.ts → server/env.ts');
  });

  it('fails when crypto/ or mime/ reaches one, even with no page using it yet', () => {
    const result = check({
      ...marked,
      'crypto/keys.ts': "import { env } from '@/server/env';\nexport const keys = env;\n",
      'mime/headers.ts': "import { getDb } from '../server/db';\nexport const headers = getDb;\n",
    });
    expect(result.status).toBe(1);
    expect(result.output).toContain('at run time: crypto/keys.ts → server/env.ts\n');
    expect(result.output).toContain('at run time: mime/headers.ts → server/db.ts\n');
  });

  it('fails when a service, a repository or the env module is not marked server-only', () => {
    const result = check({
      ...marked,
      'server/env.ts': 'export const env = () => ({});\n',
      'db/repositories/user.repository.ts': 'export const findUser = () => null;\n',
      'server/mail/mailbox.service.ts': "// import 'server-only';\nexport const list = () => [];\n",
      'server/mail/mailbox.service.test.ts': 'export const t = 1;\n',
    });
    expect(result.status).toBe(1);
    for (const file of ['server/env.ts', 'db/repositories/user.repository.ts', 'server/mail/mailbox.service.ts']) {
      expect(result.output).toContain(`${file} holds secrets or touches the database or the environment: it must \`import 'server-only'\``);
    }
    expect(result.output).not.toContain('mailbox.service.test.ts');
  });
});
