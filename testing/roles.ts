import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

/**
 * One Sealpost role as its own process (`tsx <entry>`), the way `npm run start:<role>` runs it
 * against a shared DATABASE_URL: for tests of several nodes, metrics and backups. Its stdout (pino
 * JSON lines) is kept so a test can wait for "listening" lines.
 */
const root = path.resolve(import.meta.dirname, '..');
const ENTRY = { web: 'server/web/main.ts', smtp: 'smtp/main.ts', worker: 'server/jobs/main.ts' } as const;

export interface RoleProcess {
  child: ChildProcess;
  lines: string[];
  /** Resolves once a stdout line contains `text`; rejects if the process exits first. */
  waitFor(text: string, timeoutMs?: number): Promise<string>;
  /** SIGTERM, resolved with the exit code. */
  stop(): Promise<number | null>;
}

export function spawnRole(role: keyof typeof ENTRY, env: Record<string, string>): RoleProcess {
  return spawnScript(role, ENTRY[role], env);
}

/** Any script of the repository (`entry`, from its root) as a role-like process, named `role` in errors. */
export function spawnScript(role: string, entry: string, env: Record<string, string>): RoleProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, entry)], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'info', SEALPOST_ROLE: role, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const watchers: { text: string; resolve: (line: string) => void }[] = [];
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      resolve(code);
    }),
  );
  let buffered = '';
  const onData = (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    lines.push(...parts);
    for (const watcher of [...watchers]) {
      const line = parts.find((l) => l.includes(watcher.text));
      if (line !== undefined) {
        watchers.splice(watchers.indexOf(watcher), 1);
        watcher.resolve(line);
      }
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  return {
    child,
    lines,
    waitFor(text, timeoutMs = 90_000) {
      const seen = lines.find((l) => l.includes(text));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${role}: no "${text}" within ${timeoutMs} ms:\n${lines.slice(-20).join('\n')}`)), timeoutMs);
        watchers.push({ text, resolve: (line) => (clearTimeout(timer), resolve(line)) });
        void exited.then((code) => {
          clearTimeout(timer);
          reject(new Error(`${role} exited (${code}) before "${text}":\n${lines.slice(-20).join('\n')}`));
        });
      });
    },
    async stop() {
      if (exitCode !== undefined) return exitCode;
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** The port in a role's "listening" log line. */
export function listeningPort(line: string): number {
  return (JSON.parse(line) as { port: number }).port;
}
