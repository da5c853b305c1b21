import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';
import { EnvError } from './env';

/**
 * The STARTTLS certificate: TLS_CERT/TLS_KEY when both are set, otherwise a self-signed one made
 * on first start and kept in DATA_DIR/tls/smtp.pem. Sending MTAs use opportunistic TLS and don't verify
 * MX certificates (unless the domain publishes MTA-STS or DANE), so a self-signed certificate still
 * keeps the mail encrypted in transit.
 */
export interface TlsCredentials {
  key: Buffer;
  cert: Buffer;
  source: 'configured' | 'self-signed';
}

export async function loadTlsCredentials(options: { certPath?: string; keyPath?: string; dataDir: string; hostname: string }): Promise<TlsCredentials> {
  if (options.certPath || options.keyPath) {
    if (!options.certPath || !options.keyPath) {
      throw new EnvError('TLS_CERT and TLS_KEY go together: set both (PEM file paths) or neither for a self-signed certificate.');
    }
    return { cert: readFileSync(options.certPath), key: readFileSync(options.keyPath), source: 'configured' };
  }

  // Key and certificate live in one file, replaced by one rename, so two processes starting at
  // once can never leave a key beside the other one's certificate.
  const file = path.join(path.resolve(options.dataDir), 'tls', 'smtp.pem');
  if (existsSync(file)) return { ...splitPem(readFileSync(file, 'utf8')), source: 'self-signed' };

  const { cert, key } = generateSelfSigned(options.hostname);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${key.trim()}\n${cert.trim()}\n`, { mode: 0o600 });
  renameSync(temporary, file);
  return { cert: Buffer.from(cert.trim()), key: Buffer.from(key.trim()), source: 'self-signed' };
}

/** RSA-2048 (made by Node's native crypto), SHA-256, valid for ten years, SAN = the host name. */
function generateSelfSigned(hostname: string): { cert: string; key: string } {
  const keys = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(keys.publicKey);
  // A positive serial in minimal DER: 16 random bytes, top bit of the first clear and the first
  // not zero (a leading zero byte before a byte under 0x80 is a padding error to OpenSSL).
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  certificate.serialNumber = serial.toString('hex');
  certificate.validity.notBefore = new Date();
  certificate.validity.notAfter = new Date(certificate.validity.notBefore.getTime() + 10 * 365 * 24 * 3600 * 1000);
  const subject = [{ name: 'commonName', value: hostname }];
  certificate.setSubject(subject);
  certificate.setIssuer(subject);
  certificate.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 2, value: hostname }] },
  ]);
  certificate.sign(forge.pki.privateKeyFromPem(keys.privateKey) as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(certificate), key: keys.privateKey };
}

function splitPem(pem: string): { key: Buffer; cert: Buffer } {
  const key = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]+?-----END [A-Z ]*PRIVATE KEY-----/.exec(pem)?.[0];
  const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
  if (!key || !cert) throw new Error('The self-signed TLS file in DATA_DIR/tls/smtp.pem is damaged: delete it to make a new one.');
  return { key: Buffer.from(key), cert: Buffer.from(cert) };
}
