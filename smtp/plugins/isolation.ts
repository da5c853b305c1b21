import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from 'pino';

/**
 * Crashes of a plugin's own asynchronous code: a throw in a timer or socket callback it set up, or a
 * promise of its own that rejects with no handler. Such an error never reaches the hook's promise,
 * so the runner can't catch it; Node reports it to the process ('uncaughtException',
 * 'unhandledRejection'), whose default is to end the process, and with it every SMTP session.
 *
 * Every hook call runs inside `runAsPlugin`: an AsyncLocalStorage context that everything the hook
 * starts (timers, sockets, promises, callbacks of callbacks) inherits. The process-level handlers
 * (`installPluginCrashGuard`, one per process) read that context: an error raised inside a plugin's
 * context is handed to that call (the runner treats it as the plugin failing: counted, logged, its
 * failure policy answered) and the process goes on. An error with no plugin context is a bug of
 * Sealpost itself, and ends the process as Node would have (the supervisor starts it again).
 */
export interface PluginCall {
  plugin: string;
  /** The call's crash: fails the hook if it is still running, else is counted and logged late. */
  crashed(error: unknown): void;
}

const context = new AsyncLocalStorage<PluginCall>();

/** Runs `fn` (a plugin's hook) so that whatever asynchronous work it starts is attributed to `call`. */
export function runAsPlugin<T>(call: PluginCall, fn: () => T): T {
  return context.run(call, fn);
}

/**
 * Runs `fn` outside any plugin's context: for services the host lends to plugins (a cached database
 * lookup, a shared connection pool). A connection opened on a plugin's behalf must not carry that
 * plugin's context for ever after, or a crash of the host's own code there would be blamed on it.
 */
export function runAsHost<T>(fn: () => T): T {
  return context.exit(fn);
}

let installed: Logger | undefined;

/**
 * Installs the process-level handlers once per process (the smtp role, or a test's child role).
 * `exit` is how an unattributed error ends the process: after logging it at fatal.
 */
export function installPluginCrashGuard(logger: Logger, exit: (code: number) => void = (code) => process.exit(code)): void {
  if (installed) return;
  installed = logger;
  const handle = (kind: 'uncaughtException' | 'unhandledRejection', error: unknown) => {
    const call = context.getStore();
    if (call) {
      call.crashed(error);
      return;
    }
    logger.fatal({ kind, err: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error) }, 'uncaught error');
    exit(1);
  };
  process.on('uncaughtException', (error) => handle('uncaughtException', error));
  process.on('unhandledRejection', (reason) => handle('unhandledRejection', reason));
}
