import { parseEnv } from './server/env';
import { configureLogger } from './server/logger';

// Each test file's process logs as a role's entry point would: at LOG_LEVEL (silent, vitest.config.ts).
configureLogger({ level: parseEnv().LOG_LEVEL, role: 'main' });
