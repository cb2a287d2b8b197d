#!/usr/bin/env node
// The command runs the TypeScript sources through tsx, so `npx caqes` needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../lib/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
