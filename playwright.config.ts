import { chmodSync, mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from '@playwright/test';

/**
 * e2e runs the real system (`npm start`: embedded PostgreSQL, web, smtp) on its own ports with a
 * fresh DATA_DIR under the temp folder, in Debian's Chromium. Never `playwright install`.
 */
const dataDir = process.env.E2E_DATA_DIR ?? mkdtempSync(path.join(os.tmpdir(), 'sealpost-e2e-'));
chmodSync(dataDir, 0o755); // the postgres user must traverse it
process.env.E2E_DATA_DIR = dataDir; // workers re-evaluate this file; keep one folder per run

export const E2E = {
  port: Number(process.env.E2E_PORT ?? 3100),
  smtpPort: Number(process.env.E2E_SMTP_PORT ?? 2626),
  dataDir,
  /** The loopback DNS server (e2e/dns-server.ts) that the worker and smtp roles resolve through. */
  dnsPort: Number(process.env.E2E_DNS_PORT ?? 5399),
  /** Its zone, as JSON files ({ name: { TXT, MX, A } }), one per worker: tests publish records there. */
  dnsZoneDir: path.join(dataDir, 'e2e-dns-zone'),
  /**
   * Outbound mail goes to this port of whatever MX the DNS names: tests listen there with a sink,
   * each on a loopback address of its own (e2e/sink.ts).
   */
  sinkPort: Number(process.env.E2E_SINK_PORT ?? 2727),
  /** What domain owners are told to point their MX at. */
  mailHostname: 'mx.sealpost.test',
};

mkdirSync(E2E.dnsZoneDir, { recursive: true });

/**
 * Tests that flip an instance-wide setting (require 2FA, the registration policy) would break
 * whatever runs beside them. They say so with this tag and run alone, after everything else.
 */
export const INSTANCE_WIDE = '@instance-wide';

export default defineConfig({
  testDir: 'e2e',
  // Twice what one worker needed: two workers share two cores with the server (Argon2id runs in
  // each browser), so a test can take up to twice as long without anything being wrong.
  timeout: 180_000,
  expect: { timeout: 20_000 },
  // Two spec files at a time share the one instance: every test makes its own users, domains and
  // DNS names, and outbound sinks listen on addresses of their own. Inside a file, tests run in order.
  fullyParallel: false,
  workers: 2,
  retries: 0,
  projects: [
    { name: 'shared', grepInvert: new RegExp(INSTANCE_WIDE) },
    // Only after all of 'shared' has passed (a failure there skips these), one at a time.
    { name: 'instance-wide', grep: new RegExp(INSTANCE_WIDE), dependencies: ['shared'], workers: 1 },
  ],
  reporter: [['list']],
  forbidOnly: !!process.env.CI,
  use: {
    baseURL: `http://localhost:${E2E.port}`,
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  // In order: DNS must answer before the worker role makes its first check.
  webServer: [
    {
      command: 'node --import tsx e2e/dns-server.ts',
      port: E2E.dnsPort,
      timeout: 30_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
      gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
      env: { E2E_DNS_PORT: String(E2E.dnsPort), E2E_DNS_ZONE_DIR: E2E.dnsZoneDir },
    },
    {
      command: 'npm start',
      url: `http://localhost:${E2E.port}/api/health`,
      timeout: 240_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
      gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 },
      env: {
        PORT: String(E2E.port),
        SMTP_PORT: String(E2E.smtpPort),
        SMTP_HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        MAIL_DOMAIN: 'localhost',
        LOG_LEVEL: 'warn',
        REGISTRATION: 'open',
        DNS_SERVERS: `127.0.0.1:${E2E.dnsPort}`,
        MAIL_HOSTNAME: E2E.mailHostname,
        OUTBOUND_SMTP_PORT: String(E2E.sinkPort),
        // The dmarc filter needs no daemon; e2e/filtering.spec.ts shows it end to end.
        PLUGINS: 'dmarc',
      },
    },
  ],
});
