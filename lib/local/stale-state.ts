import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The file naming the process that owns an embedded default's temporary state folder. */
const OWNER_FILE = 'caqes-owner.json';
/** The prefix of those folders in the temporary directory (`startEmbedded`). */
export const STATE_PREFIX = 'caqes-';

/** Marks a state folder as this process's: a later start removes it once this process is gone. */
export async function markOwner(stateDir: string): Promise<void> {
  await writeFile(join(stateDir, OWNER_FILE), JSON.stringify({ pid: process.pid }));
}

/** Whether a process of that id runs on this machine (signal 0 only asks). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists, it is someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the state folders that runs killed before their end left in `parent` (each can hold
 * hundreds of MB of objects): only folders marked by an owner that is no longer running, so a run
 * in progress, or a folder some other tool named alike, is left alone. Returns the folders removed.
 */
export async function removeDeadStates(parent: string): Promise<string[]> {
  const removed: string[] = [];
  const entries = await readdir(parent, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isDirectory() || !entry.name.startsWith(STATE_PREFIX)) continue;
    const dir = join(parent, entry.name);
    const owner = await readFile(join(dir, OWNER_FILE), 'utf8').then((text) => (JSON.parse(text) as { pid?: unknown }).pid, () => null);
    if (typeof owner !== 'number' || owner === process.pid || alive(owner)) continue;
    await rm(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}
