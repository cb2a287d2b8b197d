/** `caqes backup` and `caqes restore`: a state folder to one file and back (lib/local/backup.ts). */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { assertEmptyTarget, restoreBackup, writeBackup } from '../local/backup';
import { startLocal } from '../local/single-machine';
import { statePaths } from '../local/state';
import { withStateRuntime } from './state-portal';
import { UsageError } from './usage';

/** `caqes backup --state DIR --out FILE`: through the `caqes serve` running on the state, if any. */
export async function backupCommand(args: string[], out: (text: string) => void = (t) => process.stdout.write(t)): Promise<number> {
  const { values } = parseArgs({ args, options: { state: { type: 'string' }, out: { type: 'string' } } });
  if (!values.state || !values.out) throw new UsageError('--state et --out sont obligatoires');
  if (!existsSync(statePaths(values.state).manifest)) throw new UsageError(`${values.state} n’est pas un dossier d’état CAQES (pas de caqes-state.json)`);
  const file = values.out;
  const counts = await withStateRuntime(values.state, 'backup', (rt) => writeBackup(rt, values.state!, file));
  out(`Sauvegarde de ${statePaths(values.state).dir} écrite dans ${file} : ${counts.items} élément(s) DynamoDB, ${counts.objects} objet(s) S3, ${counts.files} fichier(s) de l’état (clé des liens comprise : gardez ce fichier à l’abri).\n`);
  return 0;
}

/** `caqes restore --state EMPTY_DIR --from FILE`. */
export async function restoreCommand(args: string[], out: (text: string) => void = (t) => process.stdout.write(t)): Promise<number> {
  const { values } = parseArgs({ args, options: { state: { type: 'string' }, from: { type: 'string' } } });
  if (!values.state || !values.from) throw new UsageError('--state et --from sont obligatoires');
  if (!existsSync(values.from)) throw new UsageError(`--from : fichier introuvable « ${values.from} »`);
  await assertEmptyTarget(values.state);
  const local = await startLocal({ stateDir: values.state, command: 'restore' });
  let counts;
  try {
    counts = await restoreBackup(local.embedded.runtime, values.state, values.from);
  } finally {
    await local.stop();
  }
  out(`État restauré dans ${statePaths(values.state).dir} : ${counts.items} élément(s) DynamoDB, ${counts.objects} objet(s) S3, ${counts.files} fichier(s). Lancez caqes serve --state ${values.state}.\n`);
  return 0;
}
