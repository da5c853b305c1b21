import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTlsCredentials } from './tls';
import { EnvError } from './env';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sealpost-tls-test-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('loadTlsCredentials', () => {
  it('makes a self-signed certificate once, keeps it private in DATA_DIR/tls, and reuses it', async () => {
    const dataDir = tempDir();
    const first = await loadTlsCredentials({ dataDir, hostname: 'mx.example.org' });
    const again = await loadTlsCredentials({ dataDir, hostname: 'mx.example.org' });
    expect(first.source).toBe('self-signed');
    expect(again.cert.equals(first.cert) && again.key.equals(first.key)).toBe(true);
    const file = path.join(dataDir, 'tls', 'smtp.pem');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const cert = new X509Certificate(first.cert);
    expect(cert.subjectAltName).toBe('DNS:mx.example.org');
    expect(cert.checkPrivateKey(createPrivateKey(first.key))).toBe(true);
    expect(new Date(cert.validTo).getFullYear()).toBeGreaterThanOrEqual(new Date().getFullYear() + 9);
  });

  it('makes certificates that OpenSSL always accepts (serial numbers in minimal DER)', async () => {
    // A badly encoded random serial fails about half the time, so try enough of them.
    for (let i = 0; i < 16; i++) {
      const { cert, key } = await loadTlsCredentials({ dataDir: tempDir(), hostname: 'mx.example.org' });
      expect(() => tls.createSecureContext({ cert, key })).not.toThrow();
      expect(new X509Certificate(cert).serialNumber).toMatch(/^[0-7][0-9A-F]{31}$/);
    }
  });

  it('uses TLS_CERT and TLS_KEY when both are set, and refuses just one of them', async () => {
    const dataDir = tempDir();
    const made = await loadTlsCredentials({ dataDir, hostname: 'mx.example.org' });
    const pem = readFileSync(path.join(dataDir, 'tls', 'smtp.pem'), 'utf8');
    const certPath = path.join(dataDir, 'cert.pem');
    const keyPath = path.join(dataDir, 'key.pem');
    writeFileSync(certPath, made.cert);
    writeFileSync(keyPath, made.key);
    expect(pem).toContain('PRIVATE KEY');
    const configured = await loadTlsCredentials({ dataDir: tempDir(), hostname: 'x', certPath, keyPath });
    expect(configured.source).toBe('configured');
    expect(configured.cert.equals(made.cert)).toBe(true);
    await expect(loadTlsCredentials({ dataDir, hostname: 'x', certPath })).rejects.toThrow(/TLS_CERT and TLS_KEY go together/);
    await expect(loadTlsCredentials({ dataDir, hostname: 'x', keyPath })).rejects.toBeInstanceOf(EnvError);
  });
});
