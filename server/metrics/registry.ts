import 'server-only';
import cluster from 'node:cluster';
import client from 'prom-client';
import { livePools } from '../../db/pool-registry';

/**
 * The metrics of this process, in prom-client's default registry. The web role's route handlers
 * run from Next's bundle, which may hold its own copy of this module, so metrics are looked up by
 * name before they are made: both copies then share one metric (prom-client itself is external to
 * the bundle, see next.config.mjs). Every role calls `initProcessMetrics(role)` once.
 *
 * To add a metric, add it to the role's file here (smtp.ts, web.ts, worker.ts) with these helpers,
 * and call the function that file exports: instrumented code never imports prom-client itself.
 */
export const registry = client.register;

export function counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): client.Counter<L> {
  return (registry.getSingleMetric(name) as client.Counter<L> | undefined) ?? new client.Counter({ name, help, labelNames });
}

export function gauge<L extends string>(
  name: string,
  help: string,
  labelNames: readonly L[] = [],
  collect?: (this: client.Gauge<L>) => void | Promise<void>,
): client.Gauge<L> {
  return (registry.getSingleMetric(name) as client.Gauge<L> | undefined) ?? new client.Gauge({ name, help, labelNames, ...(collect ? { collect } : {}) });
}

export function histogram<L extends string>(name: string, help: string, buckets: number[], labelNames: readonly L[] = []): client.Histogram<L> {
  return (registry.getSingleMetric(name) as client.Histogram<L> | undefined) ?? new client.Histogram({ name, help, buckets, labelNames });
}

/** Latency buckets in seconds, from 5 ms to 30 s. */
export const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

const initialized = Symbol.for('sealpost.metrics.initialized');
const holder = globalThis as { [initialized]?: string };

/** Default process metrics (CPU, memory, event loop lag, handles) and the database pools, labelled with the role. */
export function initProcessMetrics(role: string): void {
  if (holder[initialized]) return;
  holder[initialized] = role;
  registry.setDefaultLabels({ role });
  client.collectDefaultMetrics({ register: registry, prefix: 'sealpost_' });
  gauge('sealpost_db_pool_connections', "Connections in this process's PostgreSQL pools, by state.", ['state'], function collect() {
    let total = 0;
    let idle = 0;
    let waiting = 0;
    for (const pool of livePools()) {
      total += pool.totalCount;
      idle += pool.idleCount;
      waiting += pool.waitingCount;
    }
    this.set({ state: 'in_use' }, total - idle);
    this.set({ state: 'idle' }, idle);
    this.set({ state: 'waiting_clients' }, waiting);
  });
  gauge('sealpost_db_pool_max', "The most connections this process's PostgreSQL pools may open.", [], function collect() {
    let max = 0;
    for (const pool of livePools()) max += pool.options.max ?? 10;
    this.set(max);
  });
  // A node:cluster worker (SMTP_WORKERS, WEB_WORKERS) answers its primary's requests for metrics
  // only once an AggregatorRegistry exists in it: prom-client installs that listener then.
  if (cluster.isWorker) new client.AggregatorRegistry();
}
