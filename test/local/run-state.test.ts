/**
 * `caqes run` reads big files as ingest does (streamed into the local S3, never read whole), and a
 * killed run's temporary state (hundreds of MB) is removed by the next start.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadDropZone } from '../../lib/cli/run';
import { startEmbedded } from '../../lib/local/embedded';
import { writeDataDir } from '../helpers/data-dir';

const exists = (path: string) => stat(path).then(() => true, () => false);
const made: string[] = [];

afterAll(async () => {
  for (const dir of made) await rm(dir, { recursive: true, force: true });
});

/** A process id that is no longer running: a child that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('the state a killed run left behind', () => {
  it('is removed by the next start; a running owner\'s folder and unmarked folders are left alone', async () => {
    const dead = await mkdtemp(join(tmpdir(), 'caqes-'));
    await mkdir(join(dead, 's3', 'caqes-local'), { recursive: true });
    await writeFile(join(dead, 's3', 'caqes-local', 'extrait._S3rver_object'), Buffer.alloc(1024));
    await writeFile(join(dead, 'caqes-owner.json'), JSON.stringify({ pid: deadPid() }));
    const running = await mkdtemp(join(tmpdir(), 'caqes-'));
    await writeFile(join(running, 'caqes-owner.json'), JSON.stringify({ pid: process.ppid }));
    const unmarked = await mkdtemp(join(tmpdir(), 'caqes-'));
    made.push(dead, running, unmarked);

    const embedded = await startEmbedded();
    await embedded.stop();

    expect(await exists(dead)).toBe(false);
    expect(await exists(running)).toBe(true);
    expect(await exists(unmarked)).toBe(true);
  }, 60_000);

  it('marks its own folder, and removes it when it stops', async () => {
    const before = new Set(await readdir(tmpdir()));
    const embedded = await startEmbedded();
    // Test files run two at a time: another one's files (`caqes-serve.json`, its own state folder) may
    // appear meanwhile. Ours is the new folder marked with this process's id.
    const ownedByUs = async (name: string) =>
      (await readFile(join(tmpdir(), name, 'caqes-owner.json'), 'utf8').then((text) => (JSON.parse(text) as { pid?: unknown }).pid, () => null)) === process.pid;
    const fresh = (await readdir(tmpdir())).filter((n) => n.startsWith('caqes-') && !before.has(n));
    const mine = (await Promise.all(fresh.map(async (n) => ((await ownedByUs(n)) ? [n] : [])))).flat();
    expect(mine).toHaveLength(1);
    await embedded.stop();
    expect(await exists(join(tmpdir(), mine[0]!))).toBe(false);
  }, 60_000);
});

describe('caqes run drops each file into the local S3', () => {
  it('as a stream of the file with its length, never the file read whole', async () => {
    const csv = 'finess;annee;ucd;code_indication;nb_ucd;montant\n130780018;2025;9412631;I999;19;190\n';
    expect(Buffer.byteLength(csv)).toBe(83);
    const dir = await writeDataDir('caqes-stream-', { 'atih/2025/mo-2025.csv': csv });
    made.push(dir);
    const embedded = await startEmbedded();
    try {
      const send = vi.spyOn(embedded.runtime.clients.s3, 'send');
      await loadDropZone(embedded, dir, '2026-02-23');
      const put = send.mock.calls.map(([command]) => command as unknown).find((c): c is PutObjectCommand => c instanceof PutObjectCommand && c.input.Key === 'atih/2025/mo-2025.csv');
      expect(put?.input.Body).toBeInstanceOf(Readable);
      expect(put?.input.ContentLength).toBe(83);
      const [record] = await embedded.runtime.fileEvents.list('atih/2025/mo-2025.csv');
      expect(record?.rowsRead).toBe(1);
    } finally {
      await embedded.stop();
    }
  }, 60_000);
});
