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

  it('ignores imports in comments and in test files, which nothing imports back', () => {
    const result = check({
      ...layered,
      'server/outbound/queue.ts': "// import { send } from '../compose/send';\nexport const queue = 1;\n",
      'server/outbound/queue.test.ts': "import { send } from '../compose/send';\nexport const t = send;\n",
    });
    expect(result.status).toBe(0);
  });
});
