/**
 * A backup of a state folder, as one gzip file of JSON lines: the state's own files (manifest, link
 * key, daily jobs, e-mails kept, SMTP settings), every DynamoDB item and every S3 object, read through
 * the emulators (so a running `caqes serve` can be backed up: LevelDB's files are not copied while
 * open), then an end line with the counts. Restored into an empty folder, the items and objects are
 * written back (no S3 event is processed: nothing is ingested twice) and the files put back.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import { BatchWriteItemCommand, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { z } from 'zod';
import type { Runtime } from '../runtime';
import { StateError, StateManifest, statePaths, type StatePaths } from './state';

export const BACKUP_FORMAT = 'caqes-backup';

const Line = z.discriminatedUnion('type', [
  z.object({ type: z.literal('header'), format: z.literal(BACKUP_FORMAT), version: z.literal(1), createdAt: z.string(), manifest: StateManifest }),
  z.object({ type: z.literal('file'), path: z.string().min(1), content: z.string() }),
  z.object({ type: z.literal('item'), item: z.record(z.string(), z.unknown()) }),
  z.object({ type: z.literal('object'), key: z.string().min(1), contentType: z.string().optional(), metadata: z.record(z.string(), z.string()).optional(), body: z.string() }),
  z.object({ type: z.literal('end'), files: z.number().int(), items: z.number().int(), objects: z.number().int() }),
]);
type Line = z.infer<typeof Line>;

export interface BackupCounts {
  files: number;
  items: number;
  objects: number;
}

/** Binary attribute values survive JSON as `{ "$b64": … }`. */
const encode = (_key: string, value: unknown): unknown => (value instanceof Uint8Array ? { $b64: Buffer.from(value).toString('base64') } : value);
const decode = (_key: string, value: unknown): unknown =>
  value && typeof value === 'object' && '$b64' in value && typeof (value as { $b64: unknown }).$b64 === 'string' ? new Uint8Array(Buffer.from((value as { $b64: string }).$b64, 'base64')) : value;

/** The state's own files to keep, as paths relative to the folder (never the lock). */
async function stateFiles(paths: StatePaths): Promise<string[]> {
  const top = ['caqes-state.json', 'secrets.json', 'jobs.json', 'smtp.json'];
  const present = new Set(await readdir(paths.dir));
  // The e-mails kept, and the S3 events not yet ingested (an upload waiting is restored with its object).
  const inFolder = async (folder: string) => (await readdir(folder).catch(() => [])).filter((n) => n.endsWith('.json')).map((n) => relative(paths.dir, join(folder, n)).split(sep).join('/'));
  return [...top.filter((f) => present.has(f)), ...(await inFolder(paths.mail)), ...(await inFolder(paths.ingestQueue))];
}

async function* backupLines(rt: Runtime, paths: StatePaths, manifest: StateManifest): AsyncGenerator<Line> {
  const counts: BackupCounts = { files: 0, items: 0, objects: 0 };
  yield { type: 'header', format: BACKUP_FORMAT, version: 1, createdAt: new Date().toISOString(), manifest };
  for (const path of await stateFiles(paths)) {
    counts.files++;
    yield { type: 'file', path, content: (await readFile(join(paths.dir, ...path.split('/')))).toString('base64') };
  }
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await rt.clients.dynamo.send(new ScanCommand({ TableName: rt.config.CAQES_TABLE, ConsistentRead: true, ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) {
      counts.items++;
      yield { type: 'item', item };
    }
    start = page.LastEvaluatedKey;
  } while (start);
  let token: string | undefined;
  do {
    const page = await rt.clients.s3.send(new ListObjectsV2Command({ Bucket: rt.config.CAQES_BUCKET, ContinuationToken: token }));
    for (const { Key } of page.Contents ?? []) {
      if (!Key) continue;
      const object = await rt.clients.s3.send(new GetObjectCommand({ Bucket: rt.config.CAQES_BUCKET, Key }));
      const body = Buffer.from((await object.Body?.transformToByteArray()) ?? new Uint8Array());
      counts.objects++;
      yield { type: 'object', key: Key, contentType: object.ContentType, metadata: object.Metadata, body: body.toString('base64') };
    }
    token = page.NextContinuationToken;
  } while (token);
  yield { type: 'end', ...counts };
}

/** Writes the backup of the state `rt` runs on to `out` (0600: it holds the link key), whole or not at all. */
export async function writeBackup(rt: Runtime, stateDir: string, out: string): Promise<BackupCounts> {
  const paths = statePaths(stateDir);
  const manifest = StateManifest.parse(JSON.parse(await readFile(paths.manifest, 'utf8')));
  await mkdir(dirname(out), { recursive: true });
  const temporary = `${out}.${process.pid}.tmp`;
  let end: BackupCounts = { files: 0, items: 0, objects: 0 };
  async function* text() {
    for await (const line of backupLines(rt, paths, manifest)) {
      if (line.type === 'end') end = line;
      yield JSON.stringify(line, encode) + '\n';
    }
  }
  await pipeline(Readable.from(text()), createGzip(), createWriteStream(temporary, { mode: 0o600 }));
  await rename(temporary, out);
  return end;
}

/** The lines of a backup file, each checked; a file that is not one is said, with its name. */
async function* readLines(file: string): AsyncGenerator<Line> {
  const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const text of lines) {
      n++;
      if (text.trim() === '') continue;
      const parsed = Line.safeParse(JSON.parse(text, decode));
      if (!parsed.success) throw new StateError(`sauvegarde illisible : ${file}, ligne ${n} inattendue`);
      if (n === 1 && parsed.data.type !== 'header') throw new StateError(`${file} n’est pas une sauvegarde CAQES (caqes backup)`);
      yield parsed.data;
    }
  } catch (error) {
    if (error instanceof StateError) throw error;
    throw new StateError(`sauvegarde illisible : ${file} (${n === 0 ? 'pas un fichier gzip de caqes backup' : `ligne ${n}`}) ; prenez une sauvegarde plus ancienne`);
  }
}

/** The folder a restore may write into: missing or empty, never a state in use or anything else. */
export async function assertEmptyTarget(dir: string): Promise<void> {
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? [] : Promise.reject(error)));
  if (entries.length > 0) throw new StateError(`${dir} n’est pas vide : une restauration se fait dans un dossier vide ou inexistant (rien n’a été modifié)`);
}

/**
 * Puts a backup's items and objects into the (empty) state `rt` runs on, and its files into the
 * folder; the manifest and link key of the backup replace those the empty state was given.
 * @throws StateError for a file that is not a backup, or one cut short (the counts of its end line).
 */
export async function restoreBackup(rt: Runtime, stateDir: string, file: string): Promise<BackupCounts> {
  const paths = statePaths(stateDir);
  const counts: BackupCounts = { files: 0, items: 0, objects: 0 };
  let items: Record<string, AttributeValue>[] = [];
  const flush = async () => {
    // dynalite applies a batch whole; 25 items is DynamoDB's limit per batch.
    if (items.length > 0) await rt.clients.dynamo.send(new BatchWriteItemCommand({ RequestItems: { [rt.config.CAQES_TABLE]: items.map((Item) => ({ PutRequest: { Item } })) } }));
    items = [];
  };
  let ended: BackupCounts | null = null;
  for await (const line of readLines(file)) {
    if (line.type === 'file') {
      const target = join(paths.dir, ...line.path.split('/'));
      if (!target.startsWith(paths.dir + sep)) throw new StateError(`sauvegarde illisible : ${file} nomme un fichier hors du dossier d’état (${line.path})`);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, Buffer.from(line.content, 'base64'), { mode: 0o600 });
      counts.files++;
    } else if (line.type === 'item') {
      items.push(line.item as Record<string, AttributeValue>);
      counts.items++;
      if (items.length === 25) await flush();
    } else if (line.type === 'object') {
      await rt.clients.s3.send(new PutObjectCommand({ Bucket: rt.config.CAQES_BUCKET, Key: line.key, Body: Buffer.from(line.body, 'base64'), ContentType: line.contentType, Metadata: line.metadata }));
      counts.objects++;
    } else if (line.type === 'end') ended = line;
  }
  await flush();
  if (!ended || ended.files !== counts.files || ended.items !== counts.items || ended.objects !== counts.objects) {
    throw new StateError(`sauvegarde incomplète : ${file} s’arrête avant sa fin ; ${stateDir} est partiellement restauré, videz-le et prenez une sauvegarde complète`);
  }
  return counts;
}
