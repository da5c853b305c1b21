import { parseEnv } from './server/env';
import { configureLogger } from './server/logger';
import { configureSecrets } from './server/secrets';

// Each test file's process logs as a role's entry point would: at LOG_LEVEL (silent, vitest.config.ts).
const env = parseEnv();
configureLogger({ level: env.LOG_LEVEL, role: 'main' });
// …and holds SECRET_KEY as an entry point would (vitest.config.ts sets a test one).
configureSecrets(env.SECRET_KEY);
