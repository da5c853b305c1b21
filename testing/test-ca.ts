import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Throw-away certificate authorities and certificates, made with openssl in a test's folder: for
 * PostgreSQL over TLS, the nginx front, MTA-STS policy hosts and MX hosts.
 */
const openssl = (dir: string, ...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2'];

export interface TestCert {
  certFile: string;
  keyFile: string;
  cert: Buffer;
  key: Buffer;
}

const load = (dir: string, name: string): TestCert => {
  const certFile = path.join(dir, `${name}.pem`);
  const keyFile = path.join(dir, `${name}.key`);
  return { certFile, keyFile, cert: readFileSync(certFile), key: readFileSync(keyFile) };
};

/** A self-signed CA called `name`, as `<dir>/<name>.pem` and `.key`. */
export function makeCa(dir: string, name: string): TestCert {
  openssl(dir, 'req', '-x509', ...EC, '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.pem`);
  return load(dir, name);
}

/** A server certificate for `names` (host names or IP addresses) signed by `ca`. */
export function issueCert(dir: string, ca: TestCert, name: string, names: string[]): TestCert {
  const san = names.map((n) => (/^[\d.]+$/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
  openssl(
    dir,
    'req',
    '-x509',
    ...EC,
    '-subj',
    `/CN=${names[0]}`,
    '-addext',
    `subjectAltName=${san}`,
    '-CA',
    ca.certFile,
    '-CAkey',
    ca.keyFile,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.pem`,
  );
  return load(dir, name);
}
