import net from 'node:net';

/**
 * A minimal SMTP client on a raw socket, for tests and the benchmark that need exact control of
 * the bytes on the wire (bare LF, pipelining, a DATA that never ends). No retries, no magic.
 */
export interface Reply {
  code: number;
  /** Text of every line, without the code and separator. */
  lines: string[];
  /** The whole reply as received, lines joined with \n. */
  text: string;
}

export class RawSmtpClient {
  private buffer = '';
  private readonly replies: Reply[] = [];
  private readonly waiting: ((reply: Reply | undefined) => void)[] = [];
  private pendingLines: string[] = [];
  private ended = false;
  readonly closed: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk.toString('latin1')));
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => {
      socket.on('close', () => {
        this.ended = true;
        for (const waiter of this.waiting.splice(0)) waiter(undefined);
        resolve();
      });
    });
  }

  /** Connects and waits for the greeting. */
  static async connect(port: number, host = '127.0.0.1'): Promise<{ client: RawSmtpClient; greeting: Reply }> {
    const socket = net.connect({ port, host });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new RawSmtpClient(socket);
    return { client, greeting: await client.read() };
  }

  private onData(text: string): void {
    this.buffer += text;
    let newline: number;
    while ((newline = this.buffer.indexOf('\r\n')) !== -1) {
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + 2);
      this.pendingLines.push(line);
      // "250-..." continues a reply, "250 ..." (or a bare "250") ends it.
      if (line.length <= 3 || line[3] === ' ') {
        const lines = this.pendingLines;
        this.pendingLines = [];
        const reply = { code: Number(lines[0]!.slice(0, 3)), lines: lines.map((l) => l.slice(4)), text: lines.join('\n') };
        const waiter = this.waiting.shift();
        if (waiter) waiter(reply);
        else this.replies.push(reply);
      }
    }
  }

  /** The next reply; rejects if the server closes the connection first. */
  read(): Promise<Reply> {
    const queued = this.replies.shift();
    if (queued) return Promise.resolve(queued);
    if (this.ended) return Promise.reject(new Error('connection closed'));
    return new Promise((resolve, reject) => {
      this.waiting.push((reply) => (reply ? resolve(reply) : reject(new Error('connection closed'))));
    });
  }

  write(data: string | Uint8Array): void {
    this.socket.write(data);
  }

  async command(line: string): Promise<Reply> {
    this.write(`${line}\r\n`);
    return this.read();
  }

  close(): void {
    this.socket.destroy();
  }
}

/** CRLF line endings and a final CRLF, the way an MTA puts a stored message on the wire. */
export function toCrlf(message: Uint8Array): Buffer {
  let text = Buffer.from(message)
    .toString('latin1')
    .replace(/\r\n|\r|\n/g, '\r\n');
  if (text.length > 0 && !text.endsWith('\r\n')) text += '\r\n';
  return Buffer.from(text, 'latin1');
}

/** RFC 5321 4.5.2 transparency plus the end-of-data line. `message` must already end in CRLF. */
export function dataPayload(message: Uint8Array): Buffer {
  const stuffed = Buffer.from(message)
    .toString('latin1')
    .replace(/(^|\r\n)\./g, '$1..');
  return Buffer.concat([Buffer.from(stuffed, 'latin1'), Buffer.from('.\r\n')]);
}

export interface Transaction {
  mail: Reply;
  rcpt: Reply[];
  /** The 354, or the refusal of DATA. */
  data: Reply;
  /** The reply to the message itself, when DATA was accepted. */
  final?: Reply;
}

/** One transaction, step by step (no pipelining): MAIL, each RCPT, DATA, the message. */
export async function sendTransaction(
  client: RawSmtpClient,
  envelope: { from: string; to: string[]; mailParams?: string },
  message: Uint8Array,
): Promise<Transaction> {
  const mail = await client.command(`MAIL FROM:<${envelope.from}>${envelope.mailParams ? ` ${envelope.mailParams}` : ''}`);
  const rcpt: Reply[] = [];
  for (const to of envelope.to) rcpt.push(await client.command(`RCPT TO:<${to}>`));
  const data = await client.command('DATA');
  if (data.code !== 354) return { mail, rcpt, data };
  client.write(dataPayload(message));
  return { mail, rcpt, data, final: await client.read() };
}
