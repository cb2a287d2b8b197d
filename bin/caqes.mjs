#!/usr/bin/env node
// `npx caqes` needs no build step: the sources are bundled on first use and again when one changes
// (bin/cli-bundle.mjs), and run through tsx where they cannot be bundled.
import { loadMain } from './cli-bundle.mjs';

const main = await loadMain();
process.exitCode = await main(process.argv.slice(2));
