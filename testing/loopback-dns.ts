import dns2 from 'dns2';

/**
 * A real DNS server on 127.0.0.1 for tests and the benchmark (dns2, UDP). It answers from a small
 * zone map and says NXDOMAIN for every other name, so lookups fail the way they do on the
 * internet, fast. Point `createDnsResolver([server.address])` or DNS_SERVERS at it.
 */
export interface LoopbackZone {
  /**
   * Lower-case name -> records; a TXT record longer than 255 bytes is split into strings.
   * `fail` makes that name answer SERVFAIL, or not answer at all (the client times out).
   */
  [name: string]: { TXT?: string[]; MX?: { exchange: string; priority: number }[]; A?: string[]; fail?: 'servfail' | 'silent' };
}

export interface LoopbackDns {
  /** "127.0.0.1:PORT" */
  address: string;
  /** How many questions it has answered, to prove lookups really went through it. */
  queries(): number;
  close(): Promise<void>;
}

const NXDOMAIN = 3; // RFC 1035 4.1.1 RCODE; dns2 has it at runtime but not in its types
const SERVFAIL = 2;

/**
 * `zone` is read on every question, so a test may change it (publish a record) while the server
 * runs, or pass a function that reads the zone from somewhere else.
 */
export async function startLoopbackDns(zone: LoopbackZone | (() => LoopbackZone) = {}, listenPort = 0): Promise<LoopbackDns> {
  const { Packet } = dns2;
  let count = 0;
  const server = dns2.createServer({
    udp: true,
    handle(request, send) {
      count += 1;
      const response = Packet.createResponseFromRequest(request);
      const question = request.questions[0];
      const current = typeof zone === 'function' ? zone() : zone;
      const entry = question ? current[question.name.toLowerCase().replace(/\.$/, '')] : undefined;
      if (entry?.fail === 'silent') return;
      if (entry?.fail === 'servfail') {
        response.header.rcode = SERVFAIL;
      } else if (!question || !entry) {
        response.header.rcode = NXDOMAIN;
      } else if (question.type === Packet.TYPE.MX) {
        for (const mx of entry.MX ?? []) {
          response.answers.push({
            name: question.name,
            type: Packet.TYPE.MX,
            class: Packet.CLASS.IN,
            ttl: 60,
            exchange: mx.exchange,
            priority: mx.priority,
          } as unknown as dns2.Packet.Resource);
        }
      } else if (question.type === Packet.TYPE.A) {
        for (const address of entry.A ?? []) {
          response.answers.push({
            name: question.name,
            type: Packet.TYPE.A,
            class: Packet.CLASS.IN,
            ttl: 60,
            address,
          } as unknown as dns2.Packet.Resource);
        }
      } else if (question.type === Packet.TYPE.TXT) {
        for (const record of entry.TXT ?? []) {
          response.answers.push({
            name: question.name,
            type: Packet.TYPE.TXT,
            class: Packet.CLASS.IN,
            ttl: 60,
            data: record.match(/[\s\S]{1,255}/g) ?? [''],
          } as unknown as dns2.Packet.Resource);
        }
      }
      // A known name without records of the asked type: NOERROR with no answers (ENODATA).
      void send(response);
    },
  });
  server.on('requestError', () => undefined);
  await server.listen({ udp: { port: listenPort, address: '127.0.0.1' } });
  const { port } = server.addresses().udp as { port: number };
  return {
    address: `127.0.0.1:${port}`,
    queries: () => count,
    close: () => server.close(),
  };
}
