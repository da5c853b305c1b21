/**
 * Per-connection bookkeeping that smtp-server doesn't do: concurrent connections per client IP, an
 * absolute session deadline (smtp-server's socketTimeout is an idle timeout, which a sender that
 * trickles one byte at a time never hits), and which connections are mid-transaction, so a
 * deadline or a shutdown never cuts off a message that is being committed.
 */
export type Phase =
  /** Between transactions, or in MAIL/RCPT: nothing to lose by closing. */
  | 'idle'
  /** DATA is arriving. */
  | 'receiving'
  /** The message is in; it is being encrypted and committed and the reply is still owed. */
  | 'processing';

interface Tracked {
  ip: string;
  phase: Phase;
  closeAfterReply: boolean;
  deadline: NodeJS.Timeout;
}

export interface GuardOptions {
  maxPerIp: number;
  sessionTimeoutMs: number;
  /** Close this connection now with a 421. */
  closeConnection: (sessionId: string, reason: 'deadline' | 'shutdown') => void;
}

export class ConnectionGuard {
  private readonly sessions = new Map<string, Tracked>();
  private readonly perIp = new Map<string, number>();
  private draining = false;

  constructor(private readonly options: GuardOptions) {}

  get size(): number {
    return this.sessions.size;
  }

  /** Called from onConnect. Returns the refusal, or undefined when the session may start. */
  admit(sessionId: string, ip: string): 'shutting-down' | 'too-many-from-ip' | undefined {
    if (this.draining) return 'shutting-down';
    const count = this.perIp.get(ip) ?? 0;
    if (count >= this.options.maxPerIp) return 'too-many-from-ip';
    this.perIp.set(ip, count + 1);
    const deadline = setTimeout(() => this.onDeadline(sessionId), this.options.sessionTimeoutMs);
    deadline.unref();
    this.sessions.set(sessionId, { ip, phase: 'idle', closeAfterReply: false, deadline });
    return undefined;
  }

  /** Called from onClose, for admitted and refused sessions alike. */
  release(sessionId: string): void {
    const tracked = this.sessions.get(sessionId);
    if (!tracked) return;
    clearTimeout(tracked.deadline);
    this.sessions.delete(sessionId);
    const count = (this.perIp.get(tracked.ip) ?? 1) - 1;
    if (count <= 0) this.perIp.delete(tracked.ip);
    else this.perIp.set(tracked.ip, count);
  }

  setPhase(sessionId: string, phase: Phase): void {
    const tracked = this.sessions.get(sessionId);
    if (tracked) tracked.phase = phase;
  }

  /** After the reply to a transaction: closes the connection if a deadline or shutdown waited for it. */
  transactionDone(sessionId: string): void {
    const tracked = this.sessions.get(sessionId);
    if (!tracked) return;
    tracked.phase = 'idle';
    if (tracked.closeAfterReply || this.draining) {
      this.options.closeConnection(sessionId, this.draining ? 'shutdown' : 'deadline');
    }
  }

  /** Stops admitting; closes idle connections now and the others once their transaction ends. */
  drain(): void {
    this.draining = true;
    for (const [sessionId, tracked] of this.sessions) {
      if (tracked.phase === 'idle') this.options.closeConnection(sessionId, 'shutdown');
      else tracked.closeAfterReply = true;
    }
  }

  private onDeadline(sessionId: string): void {
    const tracked = this.sessions.get(sessionId);
    if (!tracked) return;
    // A slow sender is cut off even mid-DATA; a message we are committing is answered first.
    if (tracked.phase === 'processing') tracked.closeAfterReply = true;
    else this.options.closeConnection(sessionId, 'deadline');
  }
}
