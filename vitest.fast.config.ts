import { defineConfig } from 'vitest/config';
import base from './vitest.config';

/**
 * The fast lane (`npm run test:fast`): the unit tests, with no embedded PostgreSQL. Integration
 * tests (*.integration.test.ts) need the database and stay in `vitest.config.ts`; without the
 * globalSetup nothing provides a database here, so a unit test that reaches for one fails.
 */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    exclude: [...(base.test?.exclude ?? []), '**/*.integration.test.ts'],
    globalSetup: [],
  },
});
