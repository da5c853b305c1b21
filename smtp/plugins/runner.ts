import type { Logger } from 'pino';
import type { SummaryFilter } from '../../mime/summary';
import { recordPluginOutcome } from '../../server/metrics/smtp';
import { type PluginCall, runAsPlugin } from './isolation';
import type { ConfiguredPlugin, EnvelopeInfo, InboundPlugin, MessageInfo, SessionInfo, Tag, Verdict } from './plugin';

/**
 * Runs the configured plugins, in order, at each hook. The first reject or tempfail ends the hook;
 * tags add up. A plugin that throws, takes longer than its timeout, or answers something that is
 * not a verdict has *failed*: the failure is counted and logged (plugin, hook, reason, error name:
 * never the message or addresses), and its policy decides: `tempfail` answers 451 4.3.0 and stores
 * nothing, `pass` goes on as if the plugin had accepted.
 */
export type HookOutcome = { kind: 'continue' } | { kind: 'refuse'; code: number; text: string; plugin: string };

export type DataOutcome =
  | { kind: 'store'; folder: 'inbox' | 'spam'; filter: SummaryFilter | undefined; headers: Buffer }
  | { kind: 'refuse'; code: number; text: string; plugin: string };

export type Hook = 'connect' | 'mailFrom' | 'rcptTo' | 'data';

export const PLUGIN_FAILURE_REPLY = { code: 451, text: '4.3.0 Temporary local problem, please try again later' } as const;

export interface PluginRunner {
  readonly plugins: readonly ConfiguredPlugin[];
  connect(session: SessionInfo): Promise<HookOutcome>;
  mailFrom(envelope: EnvelopeInfo): Promise<HookOutcome>;
  rcptTo(envelope: EnvelopeInfo, recipient: string): Promise<HookOutcome>;
  data(message: MessageInfo): Promise<DataOutcome>;
  /** Failures per plugin name since start (thrown, timed out, or not a verdict). */
  readonly failures: ReadonlyMap<string, number>;
}

type Attempt =
  | { ok: true; verdict: Verdict }
  | { ok: false; reason: 'threw' | 'timeout' | 'bad-verdict' | 'crashed' | 'crashed-late'; errorName?: string; errorCode?: string };

const ENHANCED = { 4: /^4\.\d{1,3}\.\d{1,3} [\x20-\x7e]{1,400}$/, 5: /^5\.\d{1,3}\.\d{1,3} [\x20-\x7e]{1,400}$/ } as const;
const HEADER_NAME = /^[A-Za-z0-9-]{1,64}$/;
const HEADER_VALUE = /^[\x20-\x7e]{0,900}$/;

export function createPluginRunner(plugins: readonly ConfiguredPlugin[], logger: Logger): PluginRunner {
  const failures = new Map<string, number>();

  async function attempt(
    configured: ConfiguredPlugin,
    hook: Hook,
    sessionId: string,
    call: (signal: AbortSignal) => Verdict | Promise<Verdict>,
  ): Promise<Attempt> {
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    let crash: (attempt: Attempt) => void = () => undefined;
    const crashed = new Promise<Attempt>((resolve) => {
      crash = resolve;
    });
    // Whatever the hook starts asynchronously runs in this context: a throw in its timer, or a
    // rejection nobody handles, comes back here instead of ending the process (./isolation.ts).
    const pluginCall: PluginCall = {
      plugin: configured.plugin.name,
      crashed(error) {
        if (!settled) return crash({ ok: false, reason: 'crashed', ...errorFields(error) });
        // The hook had already answered: its answer stands, the crash is still a failure.
        countFailure(configured, hook, sessionId, { ok: false, reason: 'crashed-late', ...errorFields(error) });
      },
    };
    const timeout = new Promise<Attempt>((resolve) => {
      timer = setTimeout(() => {
        // Abort listeners are the plugin's code: a throw in one is its crash too.
        runAsPlugin(pluginCall, () => abort.abort());
        resolve({ ok: false, reason: 'timeout' });
      }, configured.timeoutMs);
    });
    // Promise.resolve().then: a hook that throws synchronously becomes a rejection like any other.
    const run = runAsPlugin(pluginCall, () =>
      Promise.resolve()
        .then(() => call(abort.signal))
        .then(
          (verdict): Attempt => (isVerdict(verdict) ? { ok: true, verdict } : { ok: false, reason: 'bad-verdict' }),
          (err: unknown): Attempt => ({ ok: false, reason: 'threw', ...errorFields(err) }),
        ),
    );
    try {
      return await Promise.race([run, timeout, crashed]);
    } finally {
      settled = true;
      clearTimeout(timer);
    }
  }

  function countFailure(configured: ConfiguredPlugin, hook: Hook, sessionId: string, result: Extract<Attempt, { ok: false }>): void {
    const name = configured.plugin.name;
    failures.set(name, (failures.get(name) ?? 0) + 1);
    recordPluginOutcome(name, 'failed');
    logger.warn(
      {
        sessionId,
        plugin: name,
        hook,
        reason: result.reason,
        policy: configured.onFailure,
        ...(result.errorName ? { errorName: result.errorName } : {}),
        ...(result.errorCode ? { errorCode: result.errorCode } : {}),
        failures: failures.get(name),
      },
      'filter plugin failed',
    );
  }

  /** The verdict to act on, or undefined when the plugin failed under the `pass` policy. */
  async function ask(
    configured: ConfiguredPlugin,
    hook: Hook,
    sessionId: string,
    call: (plugin: InboundPlugin, signal: AbortSignal) => Verdict | Promise<Verdict>,
  ): Promise<Verdict | undefined> {
    const result = await attempt(configured, hook, sessionId, (signal) => call(configured.plugin, signal));
    if (result.ok) {
      recordPluginOutcome(configured.plugin.name, result.verdict.kind);
      return result.verdict;
    }
    countFailure(configured, hook, sessionId, result);
    if (configured.onFailure === 'pass') return undefined;
    return { kind: 'tempfail', ...PLUGIN_FAILURE_REPLY };
  }

  async function runHook(
    hook: Exclude<Hook, 'data'>,
    sessionId: string,
    call: (plugin: InboundPlugin, signal: AbortSignal) => Verdict | Promise<Verdict>,
  ): Promise<HookOutcome> {
    for (const configured of plugins) {
      if (!configured.plugin[hook]) continue;
      const verdict = await ask(configured, hook, sessionId, call);
      if (verdict && (verdict.kind === 'reject' || verdict.kind === 'tempfail')) {
        return { kind: 'refuse', code: verdict.code, text: verdict.text, plugin: configured.plugin.name };
      }
    }
    return { kind: 'continue' };
  }

  return {
    plugins,
    failures,
    connect: (session) => runHook('connect', session.sessionId, (p, signal) => p.connect!(session, signal)),
    mailFrom: (envelope) => runHook('mailFrom', envelope.sessionId, (p, signal) => p.mailFrom!(envelope, signal)),
    rcptTo: (envelope, recipient) => runHook('rcptTo', envelope.sessionId, (p, signal) => p.rcptTo!(envelope, recipient, signal)),
    async data(message) {
      const tags: { plugin: string; tag: Tag }[] = [];
      for (const configured of plugins) {
        if (!configured.plugin.data) continue;
        const verdict = await ask(configured, 'data', message.sessionId, (p, signal) => p.data!(message, signal));
        if (!verdict || verdict.kind === 'accept') continue;
        if (verdict.kind === 'tag') {
          tags.push({ plugin: configured.plugin.name, tag: verdict.tag });
          continue;
        }
        return { kind: 'refuse', code: verdict.code, text: verdict.text, plugin: configured.plugin.name };
      }
      return storeOutcome(tags);
    },
  };
}

function storeOutcome(tags: { plugin: string; tag: Tag }[]): DataOutcome {
  if (tags.length === 0) return { kind: 'store', folder: 'inbox', filter: undefined, headers: Buffer.alloc(0) };
  const scores = tags.map(({ tag }) => tag.score).filter((score): score is number => score !== undefined);
  const spamBy = tags.filter(({ tag }) => tag.folder === 'spam').map(({ plugin }) => plugin);
  const headers = tags.flatMap(({ tag }) => tag.headers ?? []).map(([name, value]) => `${name}: ${value}\r\n`);
  return {
    kind: 'store',
    folder: spamBy.length > 0 ? 'spam' : 'inbox',
    filter: {
      score: scores.length > 0 ? scores.reduce((a, b) => a + b, 0) : null,
      symbols: tags.flatMap(({ tag }) => tag.symbols ?? []),
      virus: tags.find(({ tag }) => tag.virus)?.tag.virus ?? null,
      spamBy,
    },
    headers: Buffer.from(headers.join(''), 'utf8'),
  };
}

/** A verdict a plugin may return: anything else (wrong code class, CRLF in a text) is a failure. */
function isVerdict(value: unknown): value is Verdict {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  switch (v.kind) {
    case 'accept':
      return true;
    case 'reject':
    case 'tempfail': {
      const klass = v.kind === 'reject' ? 5 : 4;
      return (
        typeof v.code === 'number' && Math.floor(v.code / 100) === klass && v.code % 100 < 60 && typeof v.text === 'string' && ENHANCED[klass].test(v.text)
      );
    }
    case 'tag':
      return isTag(v.tag);
    default:
      return false;
  }
}

function isTag(value: unknown): value is Tag {
  if (typeof value !== 'object' || value === null) return false;
  const t = value as Record<string, unknown>;
  if (t.score !== undefined && !(typeof t.score === 'number' && Number.isFinite(t.score))) return false;
  if (t.symbols !== undefined && !(Array.isArray(t.symbols) && t.symbols.every((s) => typeof s === 'string'))) return false;
  if (t.virus !== undefined && typeof t.virus !== 'string') return false;
  if (t.folder !== undefined && t.folder !== 'spam') return false;
  if (t.headers !== undefined) {
    if (!Array.isArray(t.headers)) return false;
    for (const pair of t.headers) {
      if (!Array.isArray(pair) || pair.length !== 2) return false;
      if (typeof pair[0] !== 'string' || !HEADER_NAME.test(pair[0])) return false;
      if (typeof pair[1] !== 'string' || !HEADER_VALUE.test(pair[1])) return false;
    }
  }
  return true;
}

function errorFields(err: unknown): { errorName?: string; errorCode?: string } {
  const code = (err as { code?: unknown } | undefined)?.code;
  return {
    ...(err instanceof Error ? { errorName: err.name } : {}),
    ...(typeof code === 'string' ? { errorCode: code } : {}),
  };
}
