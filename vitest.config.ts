import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The same `@/` root alias as tsconfig.json, so browser modules that use it can be tested here.
  resolve: { alias: { '@/': fileURLToPath(new URL('./', import.meta.url)) } },
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', '.next/**', 'e2e/**', 'data/**'],
    globalSetup: ['./test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    env: {
      SECRET_KEY: 'test-secret-key-test-secret-key-0123456789',
      MAIL_DOMAIN: 'localhost',
      LOG_LEVEL: 'silent',
      REGISTRATION: 'open',
    },
  },
});
