import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: {
      // The same `@/` root alias as tsconfig.json, so browser modules that use it can be tested here.
      '@/': fileURLToPath(new URL('./', import.meta.url)),
      // As in tsconfig.json: `import 'server-only'` marks a module that a browser bundle must never
      // include (Next enforces it); in Node it is a no-op. The package's default export throws.
      'server-only': fileURLToPath(new URL('./node_modules/server-only/empty.js', import.meta.url)),
    },
  },
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', '.next/**', 'e2e/**', 'data/**'],
    globalSetup: ['./testing/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two files at a time: many wait on sockets or the database rather than a core. Measured on this
    // 2-core machine: 473 s for the whole suite with two, where one at a time (vitest's default of
    // cores − 1) took 605 s for fewer files. Files that change instance-wide state (require 2FA,
    // registration policy) use a database of their own, so parallel files don't see it.
    maxWorkers: 2,
    // The logger reads no environment: this configures it from LOG_LEVEL, as an entry point does.
    setupFiles: ['./vitest.setup.ts'],
    env: {
      SECRET_KEY: 'test-secret-key-test-secret-key-0123456789',
      MAIL_DOMAIN: 'localhost',
      LOG_LEVEL: 'silent',
      REGISTRATION: 'open',
      // Roles that tests start listen for submission on a free port, not 587, so files can run in parallel.
      SUBMISSION_PORT: '0',
    },
  },
});
