/**
 * `tsx lib/portal/build-page-scripts.ts <dir>`: bundles the pages' scripts into `dir`. The stack runs
 * it after bundling the API (infra/caqes-stack.ts) so the deployed function serves them from its
 * `assets/` folder, as lib/portal/assets.ts expects.
 */
import { writePageScripts } from './page-scripts';

const dir = process.argv[2];
if (!dir) {
  console.error('usage : tsx lib/portal/build-page-scripts.ts <dossier>');
  process.exit(2);
}
console.log(`scripts des pages écrits dans ${dir} : ${writePageScripts(dir).join(', ')}`);
