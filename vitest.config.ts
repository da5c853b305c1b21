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
    // Two files at a time: most wait on sockets, Argon2id or the database rather than a core (measured:
    // the whole suite in 473 s with two, 605 s with vitest's default of cores − 1 = one). Files that
    // change instance-wide state (require 2FA, registration policy) use a database of their own.
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
