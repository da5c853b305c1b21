// Entry of a seal worker thread (see seal-pool.ts). Worker threads don't get the TypeScript
// loader of whatever started the process (tsx, or vitest), so this plain module loads the .ts
// handler through tsx itself.
import { tsImport } from 'tsx/esm/api';

await tsImport('./seal.worker.ts', import.meta.url);
