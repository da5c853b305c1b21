import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * A secret typed at the terminal without echo (asked twice when `confirm`), or the first line of
 * standard input when that is not a terminal (scripts, cron).
 */
export async function readSecret(prompt: string, options: { confirm?: boolean } = {}): Promise<string> {
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  }
  const ask = (text: string) =>
    new Promise<string>((resolve) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
      (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
        if (s.startsWith(text)) process.stderr.write(text);
      };
      rl.question(text, (answer) => {
        rl.close();
        process.stderr.write('\n');
        resolve(answer);
      });
    });
  const first = await ask(`${prompt}: `);
  if (options.confirm && (await ask(`Confirm ${prompt.toLowerCase()}: `)) !== first) throw new Error('The two entries do not match.');
  return first;
}

/** The first line of a file, for `--passphrase-file`. */
export function readSecretFile(file: string): string {
  return readFileSync(file, 'utf8').split(/\r?\n/)[0] ?? '';
}
