// The check worker when the command line runs from its TypeScript sources (tests, tsx):
// the worker thread registers tsx itself, then loads the TypeScript entry.
import { register } from 'tsx/esm/api';

register();
await import('./check-worker.ts');
