// dynalite's own LevelDB binding (its dependency `level`): opened once here, before dynalite, because
// dynalite throws a store it cannot open from inside a request, where nothing can catch it.
import { Level } from 'level';
import { StateError } from './state-error';

/**
 * Opens and closes the LevelDB store of a state folder, when it has one.
 * @throws StateError naming the folder when it does not open (damaged, or not a LevelDB store).
 */
export async function assertLevelStoreOpens(path: string): Promise<void> {
  const db = new Level(path, { createIfMissing: false });
  try {
    await db.open();
  } catch (error) {
    const cause = (error as { cause?: Error }).cause?.message ?? (error as Error).message;
    if (/does not exist/i.test(cause)) return;
    throw new StateError(`état local endommagé : la base DynamoDB locale ${path} ne s’ouvre pas (${cause}) ; restaurez la dernière sauvegarde (caqes restore --state DOSSIER_VIDE --from SAUVEGARDE) puis utilisez ce dossier`);
  } finally {
    await db.close().catch(() => undefined);
  }
}
