import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { ENV_NAMES } from '../server/env';

/**
 * The container and cluster files can't run here (no container runtime, no cluster), so what can be
 * checked offline is: every YAML file parses, the pieces the issue asks for are there, and every
 * environment variable they give Sealpost is one that server/env.ts reads (a misspelt one would be
 * silently ignored).
 */
const root = path.resolve(import.meta.dirname, '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const known = new Set(ENV_NAMES);
// Set for Node and Next, not Sealpost settings.
const runtimeOnly = new Set(['NODE_ENV', 'NEXT_TELEMETRY_DISABLED']);
const unknownNames = (names: Iterable<string>) => [...names].filter((n) => !known.has(n) && !runtimeOnly.has(n));

type Doc = { kind?: string; metadata?: { name?: string }; spec?: any; data?: Record<string, string>; stringData?: Record<string, string> };

function kubernetesDocs(): Doc[] {
  const dir = path.join(root, 'deploy/kubernetes');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) =>
      parseAllDocuments(readFileSync(path.join(dir, f), 'utf8')).map((d) => {
        expect(d.errors, f).toEqual([]);
        return d.toJSON() as Doc;
      }),
    );
}

describe('deployment files', () => {
  it('compose.yaml parses, has every part, and sets only variables Sealpost reads', () => {
    const compose = parse(read('compose.yaml'), { merge: true }) as {
      services: Record<string, { image?: string; environment?: Record<string, string>; command?: string[] }>;
    };
    const services = compose.services;
    for (const part of ['postgres', 'web1', 'web2', 'smtp', 'worker', 'nginx', 'prometheus', 'grafana']) expect(services[part], part).toBeDefined();
    const sealpost = Object.entries(services).filter(([, s]) => s.image === 'sealpost:latest');
    expect(sealpost.map(([name]) => name).sort()).toEqual(['smtp', 'web1', 'web2', 'worker']);
    for (const [name, service] of sealpost) {
      expect(unknownNames(Object.keys(service.environment ?? {})), name).toEqual([]);
      expect(service.environment?.DATABASE_URL, name).toMatch(/^postgres:\/\//);
    }
    expect(
      unknownNames(
        read('deploy/env.example')
          .match(/^[A-Z_]+(?==)/gm)!
          .filter((n) => n !== 'POSTGRES_PASSWORD'),
      ),
    ).toEqual([]);
  });

  it('the Kubernetes manifests parse: a Deployment per role probed on /api/health, Services, an Ingress, PDBs, Secrets', () => {
    const docs = kubernetesDocs();
    const deployments = docs.filter((d) => d.kind === 'Deployment');
    expect(deployments.map((d) => d.metadata?.name).sort()).toEqual(['sealpost-smtp', 'sealpost-web', 'sealpost-worker']);
    const pdbs = docs.filter((d) => d.kind === 'PodDisruptionBudget').map((d) => d.metadata?.name);
    for (const deployment of deployments) {
      expect(pdbs).toContain(deployment.metadata?.name);
      const pod = deployment.spec.template.spec;
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      for (const container of pod.containers) {
        expect(container.readinessProbe.httpGet.path).toBe('/api/health');
        expect(container.livenessProbe.httpGet.path).toBe('/api/health');
        expect(unknownNames((container.env ?? []).map((e: { name: string }) => e.name))).toEqual([]);
      }
    }
    expect(docs.some((d) => d.kind === 'Ingress')).toBe(true);
    expect(
      docs
        .filter((d) => d.kind === 'Service')
        .map((d) => d.metadata?.name)
        .sort(),
    ).toEqual(['sealpost-smtp', 'sealpost-web']);
    const secret = docs.find((d) => d.kind === 'Secret' && d.metadata?.name === 'sealpost')!;
    expect(Object.keys(secret.stringData!)).toEqual(expect.arrayContaining(['SECRET_KEY', 'DATABASE_URL']));
    expect(unknownNames(Object.keys(secret.stringData!))).toEqual([]);
    const config = docs.find((d) => d.kind === 'ConfigMap' && d.metadata?.name === 'sealpost')!;
    expect(unknownNames(Object.keys(config.data!))).toEqual([]);
  });

  it('the Dockerfile is multi-stage, runs as a non-root user, has a health check, and sets only known variables', () => {
    const dockerfile = read('Dockerfile');
    expect(dockerfile.match(/^FROM /gm)!.length).toBeGreaterThanOrEqual(2);
    const user = /^USER (\S+)/m.exec(dockerfile)?.[1];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n.*\/api\/health/m);
    const envNames = [...dockerfile.matchAll(/^ENV (.+)$/gm)].flatMap((m) => [...m[1]!.matchAll(/([A-Z_]+)=/g)].map((n) => n[1]!));
    expect(envNames.length).toBeGreaterThan(0);
    expect(unknownNames(envNames)).toEqual([]);
  });

  it('the Prometheus and Grafana YAML parses', () => {
    for (const file of [
      'deploy/prometheus/prometheus.yml',
      'deploy/prometheus/alerts.yml',
      'deploy/grafana/provisioning/datasources/prometheus.yaml',
      'deploy/grafana/provisioning/dashboards/sealpost.yaml',
    ]) {
      expect(() => parse(read(file)), file).not.toThrow();
    }
  });
});
