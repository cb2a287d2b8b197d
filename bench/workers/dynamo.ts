/**
 * Child process: the ingest handler against the local S3, and the DynamoDB writes one extract causes,
 * through the whole pipeline on the embedded emulators (s3rver, dynalite): the referential
 * `etablissements.csv` of the generated FINESS goes under `referential/` and is drained, then the
 * extract is streamed to its drop key (bench/common.ts's DROP_KEYS for `--kind`) and drained (ingest
 * and the compute it asks for) while a middleware on the runtime's DynamoDB client counts every write
 * request: PutItem, UpdateItem, DeleteItem, and each item of a BatchWriteItem (or TransactWriteItems).
 * The facts the pipeline stored are totalled per establishment and year to `--aggregates`, for the
 * comparison with DuckDB.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { useSecondHalfWorker } from '../../lib/formats/halves';
import { startEmbedded } from '../../lib/local/embedded';
import { aggregateFacts } from '../aggregates';
import { childArgs, DROP_KEYS, MEASURED_KINDS, need, peakRssMb, report, writeAggregates, type MeasuredKind } from '../common';

// Bundled, the worker of the second half is beside this file (ingest reads a large extract in halves).
if (import.meta.url.endsWith('.mjs')) useSecondHalfWorker(new URL('second-half.mjs', import.meta.url));
const args = childArgs(process.argv.slice(2));
const file = need(args, 'file');
const referential = need(args, 'referential');
const year = Number(need(args, 'year'));
const kind = (args.get('kind') ?? 'atih-mo') as MeasuredKind;
if (!MEASURED_KINDS.includes(kind)) throw new Error(`unknown --kind ${kind}`);

interface WriteCounts {
  /** Write items by command name (a BatchWriteItem counts its items). */
  items: Record<string, number>;
  /** Write requests sent (one per command, whatever its item count). */
  requests: number;
  /** Write items by item type, from the sort key's first segment (FACT, RESULT, EVENT…). */
  byItem: Record<string, number>;
  /** Reads, for context: GetItem, Query, Scan, BatchGetItem requests. */
  reads: number;
}

const counts: WriteCounts = { items: {}, requests: 0, byItem: {}, reads: 0 };
let counting = false;

function skOf(item: unknown): string {
  const sk = (item as { sk?: unknown } | undefined)?.sk;
  if (typeof sk === 'string') return sk;
  if (sk && typeof sk === 'object' && typeof (sk as { S?: unknown }).S === 'string') return (sk as { S: string }).S;
  return '?';
}

function note(command: string, item: unknown): void {
  counts.items[command] = (counts.items[command] ?? 0) + 1;
  const kind = skOf(item).split('#')[0] ?? '?';
  counts.byItem[kind] = (counts.byItem[kind] ?? 0) + 1;
}

function record(commandName: string, input: Record<string, unknown>): void {
  const command = commandName.replace(/Command$/, '');
  switch (command) {
    case 'Put':
    case 'PutItem':
      counts.requests++;
      note('PutItem', input.Item);
      return;
    case 'Update':
    case 'UpdateItem':
      counts.requests++;
      note('UpdateItem', input.Key);
      return;
    case 'Delete':
    case 'DeleteItem':
      counts.requests++;
      note('DeleteItem', input.Key);
      return;
    case 'BatchWrite':
    case 'BatchWriteItem': {
      counts.requests++;
      const tables = (input.RequestItems ?? {}) as Record<string, { PutRequest?: { Item: unknown }; DeleteRequest?: { Key: unknown } }[]>;
      for (const requests of Object.values(tables)) {
        for (const r of requests) note('BatchWriteItem', r.PutRequest?.Item ?? r.DeleteRequest?.Key);
      }
      return;
    }
    case 'TransactWrite':
    case 'TransactWriteItems': {
      counts.requests++;
      for (const t of (input.TransactItems ?? []) as Record<string, { Item?: unknown; Key?: unknown }>[]) {
        const op = Object.values(t)[0];
        note('TransactWriteItems', op?.Item ?? op?.Key);
      }
      return;
    }
    case 'Get':
    case 'GetItem':
    case 'Query':
    case 'Scan':
    case 'BatchGet':
    case 'BatchGetItem':
      counts.reads++;
      return;
    default:
      return;
  }
}

const startedAll = performance.now();
const embedded = await startEmbedded();
const rt = embedded.runtime;
try {
  rt.clients.dynamo.middlewareStack.add(
    (next, context) => async (a) => {
      if (counting) record(String(context.commandName ?? ''), (a.input ?? {}) as Record<string, unknown>);
      return next(a);
    },
    { step: 'initialize', name: 'benchWriteCounter', override: true },
  );

  // Streamed with its length, as `caqes run` drops a file: the extract is never held in memory.
  const put = async (key: string, path: string) =>
    rt.clients.s3.send(new PutObjectCommand({ Bucket: rt.objects.bucket, Key: key, Body: createReadStream(path), ContentLength: (await stat(path)).size }));

  const referentialKey = 'referential/etablissements.csv';
  await put(referentialKey, referential);
  let t = performance.now();
  await embedded.drain();
  const referentialSeconds = (performance.now() - t) / 1000;
  const referentialEvent = (await rt.fileEvents.list(referentialKey)).at(-1) as Record<string, unknown> | undefined;

  const extractKey = DROP_KEYS[kind](year);
  t = performance.now();
  await put(extractKey, file);
  const uploadSeconds = (performance.now() - t) / 1000;

  counting = true;
  t = performance.now();
  await embedded.drain();
  const drainSeconds = (performance.now() - t) / 1000;
  counting = false;

  const event = (await rt.fileEvents.list(extractKey)).at(-1) as Record<string, unknown> | undefined;
  let firstIssues: string[] = [];
  if (event && event.status !== 'accepted' && typeof event.reportKey === 'string') {
    const reportJson = JSON.parse((await rt.objects.readBuffer(event.reportKey)).toString('utf8')) as { issues?: { code: string; row: number | null; message: string }[] };
    firstIssues = (reportJson.issues ?? []).slice(0, 3).map((i) => `${i.code} line ${i.row ?? '-'}: ${i.message}`);
  }
  const stored = await Promise.all(
    ['PACA', 'CORSE'].map((region) => (kind === 'open-phmev' ? rt.facts.listPhmevFacts(region, year) : rt.facts.listMoFacts(region, year))),
  );
  const facts = stored.flat();
  const aggregatesPath = args.get('aggregates');
  if (aggregatesPath) await writeAggregates(aggregatesPath, aggregateFacts(kind, facts));

  report({
    seconds: drainSeconds,
    uploadSeconds,
    referentialSeconds,
    totalSeconds: (performance.now() - startedAll) / 1000,
    rssMb: peakRssMb(),
    referentialStatus: referentialEvent?.status ?? null,
    status: event?.status ?? null,
    rowsRead: event?.rowsRead ?? null,
    rowsAccepted: event?.rowsAccepted ?? null,
    errors: event?.errorCount ?? null,
    firstIssues,
    deadLetters: embedded.deadLetters().length,
    kind,
    moFactsStored: facts.length,
    writes: Object.values(counts.items).reduce((a, b) => a + b, 0),
    writeRequests: counts.requests,
    writesByCommand: counts.items,
    writesByItem: counts.byItem,
    readRequests: counts.reads,
  });
} finally {
  await embedded.stop();
}
