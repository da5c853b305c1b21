import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The import boundaries in biome.jsonc, run over lint/fixtures: a copy of the fixture tree at the
 * root of a temporary project that has the real configuration and plugins. Every fixture's first
 * line says which rules Biome must report for it (`expect: <rule> <rule> —`, or `expect: clean —`).
 */
const repo = path.resolve(import.meta.dirname, '..');
const fixtures = path.join(repo, 'lint', 'fixtures');
const biome = path.join(repo, 'node_modules', '.bin', 'biome');
let root: string;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name))
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)));
}

/** Lints the temporary project; returns each file's reported rules (github reporter lines). */
function lint(): { status: number | null; rules: Map<string, string[]> } {
  const run = spawnSync(biome, ['lint', '--vcs-enabled=false', '--reporter=github', '--max-diagnostics=none', '.'], { cwd: root, encoding: 'utf8' });
  const rules = new Map<string, string[]>();
  for (const match of run.stdout.matchAll(/^::error title=([^,]+),file=([^,]+),/gm)) {
    const file = path.relative(root, match[2]!);
    rules.set(file, [...(rules.get(file) ?? []), match[1]!]);
  }
  return { status: run.status, rules };
}

beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'sealpost-lint-'));
  cpSync(path.join(repo, 'biome.jsonc'), path.join(root, 'biome.jsonc'));
  cpSync(path.join(repo, 'lint'), path.join(root, 'lint'), { recursive: true, filter: (src) => !src.startsWith(fixtures) });
  cpSync(fixtures, root, { recursive: true, filter: (src) => !src.endsWith('.md') });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('import boundaries', () => {
  it('reports exactly what each fixture expects, and fails the run', () => {
    const { status, rules } = lint();
    const files = filesUnder(fixtures);
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const expected = /expect: (.+?) —/
        .exec(readFileSync(path.join(fixtures, file), 'utf8'))![1]!
        .split(' ')
        .filter((rule) => rule !== 'clean');
      expect({ file, rules: (rules.get(file) ?? []).sort() }).toEqual({ file, rules: expected.sort() });
    }
    expect(status).not.toBe(0);
  });

  it('fails when app/ imports db/ by a relative path, and passes once the import is gone', () => {
    const file = path.join(root, 'app', 'lib', 'deep', 'relative-db.ts');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, "import { createDb } from '../../../db/client';\n\nexport const fixture = createDb;\n");
    expect(lint().rules.get('app/lib/deep/relative-db.ts')).toEqual(['lint/style/noRestrictedImports']);
    writeFileSync(file, 'export const fixture = 1;\n');
    expect(lint().rules.get('app/lib/deep/relative-db.ts')).toBeUndefined();
  });

  it('passes on a tree with only allowed imports', () => {
    for (const file of filesUnder(root)) {
      if (!/expect: clean/.test(readFileSync(path.join(root, file), 'utf8')) && !file.startsWith('lint')) rmSync(path.join(root, file));
    }
    expect(lint()).toEqual({ status: 0, rules: new Map() });
  });
});
