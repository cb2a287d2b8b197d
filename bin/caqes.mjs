#!/usr/bin/env node
// `npx caqes` needs no build step: the sources are bundled on first use and again when one changes
// (bin/cli-bundle.mjs), and run through tsx where they cannot be bundled.
import { fileURLToPath } from 'node:url';
import { bundledEntry } from './cli-bundle.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = await bundledEntry({ root, entry: 'lib/cli/main.ts', cacheDir: `${root}node_modules/.cache/caqes-cli` });
let main;
if (bundle) {
  process.setSourceMapsEnabled(true);
  ({ main } = await import(bundle));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../lib/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
