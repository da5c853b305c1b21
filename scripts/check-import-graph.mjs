// The import graph's rules that a per-file linter can't see. Fails when
// - two modules import each other, directly or round a longer loop. Modules are folders:
//   server/send, server/delivery, smtp, crypto... (a file directly under server/ or db/ is its
//   own module). Type-only imports count: a folder that needs another's types is layered on it;
// - two files import each other at run time (type-only imports don't count). Biome's
//   noImportCycles sees relative imports only, not the `@/` alias;
// - anything under server/ imports smtp/: the sidecar is an adapter over server/, never under it;
// - browser code (app/ but its route handlers, pages and layouts; crypto/; mime/) reaches, through
//   imports of values, a module that says `import 'server-only'`. Next fails such a build too, but
//   only for what a page happens to reach, and only after a minute of building;
// - a module that holds secrets or touches the database or the environment (db/client, the
//   repositories, server/db, env, secrets, every *.service.ts) does not say `import 'server-only'`;
// - production code imports a test helper (testing/, or a testing/ folder anywhere). Tests, e2e/
//   and bench/ may; a harness imported by a role would ship with it.
// Usage: node scripts/check-import-graph.mjs [root]   (root defaults to the repository)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
const sourceDirs = ['app', 'bench', 'bin', 'crypto', 'db', 'e2e', 'mime', 'server', 'smtp', 'testing'];
const skip = new Set(['node_modules', '.next', 'data', 'reports']);

function* sourceFiles(dir) {
  for (const name of readdirSync(dir)) {
    if (skip.has(name)) continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) yield* sourceFiles(full);
    else if (/\.(ts|tsx|mts|mjs|js)$/.test(name) && !name.endsWith('.d.ts')) yield full;
  }
}

// Static imports, re-exports and dynamic import() of a string. Comments are blanked first so an
// example in a comment doesn't count.
const importPattern = /(?:^|[\s;}])(?:import|export)\s+(type\s+)?([\w*${}\s,]+?\s+from\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;
/** `import type …`, `export type … from`, or braces that hold only `type X` names. */
const isTypeOnly = (match) =>
  Boolean(match[1]) ||
  (/^\{[^}]*\}\s+from\s+$/.test(match[2] ?? '') &&
    match[2]
      .slice(1, match[2].indexOf('}'))
      .split(',')
      .every((name) => /^\s*(type\s|$)/.test(name)));
const stripComments = (text) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

function resolve(fromFile, specifier) {
  let base;
  if (specifier.startsWith('@/')) base = path.join(root, specifier.slice(2));
  else if (specifier.startsWith('.')) base = path.resolve(path.dirname(fromFile), specifier);
  else return undefined; // a package
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, `${base}.mjs`, `${base}.js`, path.join(base, 'index.ts'), path.join(base, 'index.tsx')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/**
 * server/send/x.ts → server/send; server/env.ts → server/env; crypto/pgp.ts → crypto. A
 * testing/ folder is a module of its own (testing/, testing/outbound): harnesses sit above the code.
 */
function moduleOf(file) {
  const parts = path.relative(root, file).split(path.sep);
  const testing = parts.indexOf('testing');
  if (testing > 0) return parts.slice(0, testing + 1).join('/');
  if (parts.length === 1) return parts[0];
  if (parts.length === 2) return ['server', 'db'].includes(parts[0]) ? `${parts[0]}/${parts[1].replace(/\.\w+$/, '')}` : parts[0];
  return ['server', 'db', 'app'].includes(parts[0]) ? `${parts[0]}/${parts[1]}` : parts[0];
}

const edges = new Map(); // module → Map(module → first "file → import" seen)
const fileEdges = new Map(); // file → Map(file → import), value imports only
const problems = [];
const files = [];
const serverOnly = new Set(); // files that import 'server-only'
const isHelper = (file) => file.split('/').includes('testing');
const isProduction = (file) => !/\.(test|spec)\.tsx?$/.test(file) && !isHelper(file) && !/^(e2e|bench)\//.test(file);
const addEdge = (graph, from, to, where) => {
  if (!graph.has(from)) graph.set(from, new Map());
  if (!graph.get(from).has(to)) graph.get(from).set(to, where);
};
for (const dir of sourceDirs) {
  if (!existsSync(path.join(root, dir))) continue;
  for (const file of sourceFiles(path.join(root, dir))) {
    // A test file is a leaf: nothing imports it, so its imports can't close a loop between modules.
    const isTest = /\.(test|spec)\.tsx?$/.test(file);
    const from = moduleOf(file);
    const text = stripComments(readFileSync(file, 'utf8'));
    files.push(path.relative(root, file));
    for (const match of text.matchAll(importPattern)) {
      const specifier = match[3] ?? match[4];
      if (specifier === 'server-only') serverOnly.add(path.relative(root, file));
      const target = resolve(file, specifier);
      if (!target) continue;
      const to = moduleOf(target);
      const where = `${path.relative(root, file)} imports '${specifier}'`;
      if (from.split('/')[0] === 'server' && to.split('/')[0] === 'smtp') problems.push(`server/ must not import smtp/: ${where}`);
      if (isProduction(path.relative(root, file)) && isHelper(path.relative(root, target)))
        problems.push(`production code must not import test helpers: ${where}`);
      if (!isTypeOnly(match)) addEdge(fileEdges, path.relative(root, file), path.relative(root, target), where);
      if (from !== to && !isTest) addEdge(edges, from, to, where);
    }
  }
}

/** Tarjan's strongly connected components: each one with more than one node is a cycle. */
function cycles(graph) {
  let index = 0;
  const stack = [];
  const state = new Map();
  const components = [];
  function visit(node) {
    state.set(node, { index, low: index, onStack: true });
    index++;
    stack.push(node);
    for (const next of graph.get(node)?.keys() ?? []) {
      if (!state.has(next)) {
        visit(next);
        state.get(node).low = Math.min(state.get(node).low, state.get(next).low);
      } else if (state.get(next).onStack) state.get(node).low = Math.min(state.get(node).low, state.get(next).index);
    }
    if (state.get(node).low === state.get(node).index) {
      const component = [];
      let member;
      do {
        member = stack.pop();
        state.get(member).onStack = false;
        component.push(member);
      } while (member !== node);
      if (component.length > 1) components.push(component.sort());
    }
  }
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return components.map((component) => {
    const inside = new Set(component);
    const imports = component.flatMap((m) => [...(graph.get(m) ?? [])].filter(([to]) => inside.has(to)).map(([, where]) => `    ${where}`));
    return `${component.join(', ')}:\n${imports.join('\n')}`;
  });
}
const isTestFile = (file) => /\.(test|spec)\.tsx?$/.test(file) || file.split('/').includes('testing');
const isBrowserCode = (file) =>
  !isTestFile(file) && (/^(crypto|mime)\//.test(file) || (file.startsWith('app/') && !file.startsWith('app/api/') && !/(^|\/)(page|layout)\.tsx$/.test(file)));
const mustBeServerOnly = (file) =>
  !isTestFile(file) &&
  (/^db\/(client|embedded|migrate)\.ts$/.test(file) ||
    /^db\/repositories\/.+\.repository\.ts$/.test(file) ||
    /^server\/(db|env|secrets)\.ts$/.test(file) ||
    /^server\/.+\.service\.ts$/.test(file));

// One walk from all browser code at once; `via` leads each file reached back to where it started.
const via = new Map(
  files
    .filter(isBrowserCode)
    .sort()
    .map((file) => [file, null]),
);
for (const file of via.keys()) {
  for (const next of fileEdges.get(file)?.keys() ?? []) if (!via.has(next)) via.set(next, file);
}
for (const file of [...via.keys()].filter((f) => serverOnly.has(f)).sort()) {
  const chain = [file];
  while (via.get(chain[0])) chain.unshift(via.get(chain[0]));
  problems.push(`browser code reaches a server-only module at run time: ${chain.join(' → ')}`);
}
for (const file of files.filter((f) => mustBeServerOnly(f) && !serverOnly.has(f)).sort()) {
  problems.push(`${file} holds secrets or touches the database or the environment: it must \`import 'server-only'\``);
}

for (const cycle of cycles(edges)) problems.push(`import cycle between folders ${cycle}`);
for (const cycle of cycles(fileEdges)) problems.push(`import cycle at run time between files ${cycle}`);

if (problems.length > 0) {
  console.error(`import graph: ${problems.length} problem(s)\n${problems.map((p) => `  ${p}`).join('\n')}`);
  process.exit(1);
}
console.log(
  `import graph: ${edges.size} folders, ${fileEdges.size} files, no cycles, server/ does not import smtp/, browser code reaches no server-only module, production code imports no test helper`,
);
