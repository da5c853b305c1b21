import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { registry, initProcessMetrics } from '../server/metrics/registry';
import '../server/metrics/smtp';
import '../server/metrics/web';
import { trackQueueDepth } from '../server/metrics/worker';
import { trackOpenSessions } from '../server/metrics/smtp';

/**
 * deploy/prometheus and deploy/grafana, checked with Debian's promtool, and every Sealpost metric
 * they name is one the roles actually export.
 */
const run = promisify(execFile);
const dir = path.resolve(import.meta.dirname, 'prometheus');

describe('deploy/ monitoring files', () => {
  it('promtool accepts the scrape config and the rules, and the alert unit tests pass', async () => {
    const config = await run('promtool', ['check', 'config', 'prometheus.yml'], { cwd: dir });
    expect(config.stdout).toContain('SUCCESS');
    const rules = await run('promtool', ['check', 'rules', 'alerts.yml'], { cwd: dir });
    expect(rules.stdout).toMatch(/SUCCESS: 6 rules found/);
    const tests = await run('promtool', ['test', 'rules', 'alerts.test.yml'], { cwd: dir });
    expect(tests.stdout).toContain('SUCCESS');
  });

  it('names only metrics the roles export', async () => {
    initProcessMetrics('test');
    trackOpenSessions(() => 0);
    trackQueueDepth(async () => ({ jobs: [], outbound: [], deadLetters: 0 }));
    const exported = new Set<string>();
    for (const metric of await registry.getMetricsAsJSON()) {
      exported.add(metric.name);
      if (String(metric.type) === 'histogram') for (const suffix of ['_bucket', '_count', '_sum']) exported.add(metric.name + suffix);
    }
    const files = [path.join(dir, 'alerts.yml'), path.resolve(import.meta.dirname, 'grafana/sealpost-dashboard.json')];
    const named = new Set(files.flatMap((f) => readFileSync(f, 'utf8').match(/\bsealpost_[a-z0-9_]+/g) ?? []));
    expect(named.size).toBeGreaterThan(15);
    expect([...named].filter((name) => !exported.has(name))).toEqual([]);
    // The dashboard is JSON Grafana can import: every panel has a query.
    const dashboard = JSON.parse(readFileSync(files[1]!, 'utf8')) as { panels: { targets: { expr: string }[] }[] };
    expect(dashboard.panels.every((p) => p.targets.length > 0 && p.targets.every((t) => t.expr.length > 0))).toBe(true);
  });
});
