// The registry this project installs from serves only Linux builds of some platform-specific
// optional packages (Next's SWC, Tailwind's oxide). npm then leaves the others out of
// package-lock.json, and `npm ci` refuses a lock that lacks them. This records each missing one as
// an optional entry with its os/cpu, so `npm ci` knows it and skips it on this platform.
//   npm run lock:fix   (also run by `npm install`, as the postinstall script): add what is missing
//   npm run lock:check (CI, before `npm ci`): fail, naming each one, if any is missing
// A path after the flags names another lock file (the tests use one).
import { readFileSync, writeFileSync } from 'node:fs';

const check = process.argv.includes('--check');
// `npm ci` runs postinstall too, and must leave the lock as it found it.
if (!check && process.env.npm_command === 'ci') process.exit(0);
const lockPath = process.argv.slice(2).find((arg) => !arg.startsWith('--')) ?? new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
const platforms = {
  'android-arm64': [['android'], ['arm64']],
  'darwin-arm64': [['darwin'], ['arm64']],
  'darwin-x64': [['darwin'], ['x64']],
  'freebsd-x64': [['freebsd'], ['x64']],
  'linux-arm-gnueabihf': [['linux'], ['arm']],
  'linux-arm64-gnu': [['linux'], ['arm64']],
  'linux-arm64-musl': [['linux'], ['arm64']],
  'linux-x64-musl': [['linux'], ['x64']],
  'wasm32-wasi': [null, ['wasm32']],
  'win32-arm64-msvc': [['win32'], ['arm64']],
  'win32-x64-msvc': [['win32'], ['x64']],
};
const missing = [];
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (lock.packages[key] || lock.packages[`${path}/node_modules/${name}`]) continue;
    const platform = Object.keys(platforms).find((p) => name.endsWith(`-${p}`));
    if (!platform) continue; // not a platform build: npm decides about it the ordinary way
    const [os, cpu] = platforms[platform];
    missing.push(`${name}@${version}`);
    lock.packages[key] = { version, ...(cpu && { cpu }), ...(os && { os }), optional: true };
  }
}
if (check) {
  if (missing.length > 0) {
    console.error(
      `package-lock.json lacks ${missing.length} platform-specific optional package(s), so \`npm ci\` would fail:\n` +
        `${missing.map((m) => `  ${m}`).join('\n')}\nRun \`npm run lock:fix\` and commit package-lock.json.`,
    );
    process.exit(1);
  }
  console.log('package-lock.json records every platform-specific optional package');
} else {
  lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
  writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
  console.log(`recorded ${missing.length} platform-specific optional packages`);
}
