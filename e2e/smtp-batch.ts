import net from 'node:net';

/**
 * A raw SMTP client for seeding many messages fast: one connection, PIPELINING (MAIL, RCPT and DATA
 * go out together), each message checked for its own 250. Messages are RFC 5322 text with LF or CRLF
 * line ends; dot-stuffing is done here.
 */
export async function sendBatch(port: number, messages: { from: string; to: string; data: string }[]): Promise<void> {
  const socket = net.connect(port, '127.0.0.1');
  socket.setEncoding('utf8');
  let buffer = '';
  const waiting: ((reply: string) => void)[] = [];
  const replies: string[] = [];
  let current = '';
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    let newline = buffer.indexOf('\r\n');
    while (newline !== -1) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 2);
      current += `${line}\n`;
      if (/^\d{3} /.test(line) || /^\d{3}$/.test(line)) {
        const next = waiting.shift();
        if (next) next(current);
        else replies.push(current);
        current = '';
      }
      newline = buffer.indexOf('\r\n');
    }
  });
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  const reply = () => new Promise<string>((resolve) => (replies.length ? resolve(replies.shift()!) : waiting.push(resolve)));
  const expectCode = async (code: string, what: string) => {
    const text = await reply();
    if (!text.startsWith(code)) throw new Error(`SMTP ${what}: expected ${code}, got ${text.trim()}`);
  };
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  await expectCode('220', 'greeting');
  socket.write('EHLO seed.e2e.example\r\n');
  await expectCode('250', 'EHLO');
  for (const [i, message] of messages.entries()) {
    socket.write(`MAIL FROM:<${message.from}>\r\nRCPT TO:<${message.to}>\r\nDATA\r\n`);
    await expectCode('250', `MAIL ${i}`);
    await expectCode('250', `RCPT ${i}`);
    await expectCode('354', `DATA ${i}`);
    const body = message.data.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
    socket.write(`${body}${body.endsWith('\r\n') ? '' : '\r\n'}.\r\n`);
    await expectCode('250', `end of DATA ${i}`);
  }
  socket.write('QUIT\r\n');
  await expectCode('221', 'QUIT');
  socket.end();
  await closed;
}
