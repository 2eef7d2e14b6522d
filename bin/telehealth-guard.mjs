#!/usr/bin/env node
// The command line runs the same TypeScript core as the extension. tsx compiles it
// on the fly, so `npx telehealth-guard` works right after `npm install`, no build step.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/main.ts');
process.exitCode = await runCli(process.argv.slice(2));
