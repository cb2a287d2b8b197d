/**
 * Child process: our reading of one extract from disk (`--kind`: the ATIH MO extract, a PMSI
 * FICHCOMP medicines file or an Open PHMEV file), as `caqes validate` reads a local file: `openCsv`
 * over the byte stream (with the ingest limits; `--parser papaparse` for the reference path), then
 * `readTabular(<the kind's format>, …)` against the referential's establishments; from 16 MiB on,
 * the file in two halves at once, the second on a worker thread (lib/formats/halves.ts). Ingest reads
 * an S3 object in one part, as this child does below 16 MiB.
 * Prints its time, peak RSS and counts; writes the per-establishment-and-year totals to --aggregates.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { openCsv } from '../../lib/io/csv-reader';
import { atihMoFormat } from '../../lib/formats/kinds/atih-mo';
import { fichcompMedFormat } from '../../lib/formats/kinds/fichcomp-med';
import { openPhmevFormat } from '../../lib/formats/kinds/open-phmev';
import { INGEST_LIMITS } from '../../lib/formats/limits';
import { firstHalf, halvesOf, readsInHalves, readTabularInHalves, useSecondHalfWorker } from '../../lib/formats/halves';
import { tableKind, type TableKind } from '../../lib/formats/registry';
import { IssueList } from '../../lib/formats/report';
import { readTabular, type FormatContext } from '../../lib/formats/tabular';
import type { Establishment, MoFact, PhmevFact } from '../../lib/domain/schemas';
import { childArgs, DROP_KEYS, MEASURED_KINDS, memoryMb, need, peakRssMb, report, writeAggregates, type MeasuredKind } from '../common';
import { aggregateFacts } from '../aggregates';
import { makeEstablishments } from '../generate';

/** The referential entries of the establishments `bench/generate.ts` made for this seed. */
function benchEstablishments(seed: number, count: number): Establishment[] {
  return makeEstablishments(seed, count).map((e) => ({
    finess: e.finess,
    finessJuridique: e.finessJuridique,
    raisonSociale: e.raisonSociale,
    region: e.region,
    categorie: e.categorie,
    contrat: e.contrat,
    emails: [e.email],
  }));
}

/** The facts of a tabular outcome's output, whatever its envelope (`{ type, facts }` or a bare list). */
function factsOf<T>(output: unknown): T[] {
  if (Array.isArray(output)) return output as T[];
  if (output && typeof output === 'object' && Array.isArray((output as { facts?: unknown }).facts)) return (output as { facts: T[] }).facts;
  return [];
}

/** How each kind is read. */
const FORMATS = { 'atih-mo': atihMoFormat, 'fichcomp-med': fichcompMedFormat, 'open-phmev': openPhmevFormat } as const;

const args = childArgs(process.argv.slice(2));
const kind = (args.get('kind') ?? 'atih-mo') as MeasuredKind;
if (!MEASURED_KINDS.includes(kind)) throw new Error(`unknown --kind ${kind}`);
const file = need(args, 'file');
const seed = Number(need(args, 'seed'));
const year = Number(need(args, 'year'));
const establishments = benchEstablishments(seed, Number(need(args, 'establishments')));
const parser = args.get('parser') === 'papaparse' ? 'papaparse' : 'auto';
const key = DROP_KEYS[kind](year);

const ctx: FormatContext = {
  source: { key, version: 'etag:bench' },
  fileName: key.split('/').pop() as string,
  year,
  campaign: null,
  finess: null,
  establishments: new Map(establishments.map((e) => [e.finess, e])),
};

// Bundled, the worker of the second half is beside this file; through tsx, halves.ts finds its sources.
if (import.meta.url.endsWith('.mjs')) useSecondHalfWorker(new URL('second-half.mjs', import.meta.url));
const size = (await stat(file)).size;
const halves = parser === 'auto' && readsInHalves(FORMATS[kind], size);
const cut = halvesOf(file, size);
const started = performance.now();
const csv = await openCsv(halves ? firstHalf(cut.path, cut.middle) : createReadStream(file), INGEST_LIMITS, { parser });
const read = halves
  ? await readTabularInHalves(tableKind(kind) as TableKind, csv, ctx, new IssueList(), { ...cut, limits: INGEST_LIMITS, reopen: () => openCsv(createReadStream(file), INGEST_LIMITS) })
  : null;
const outcome = read?.outcome ?? (await readTabular(FORMATS[kind], csv, ctx));
const seconds = (performance.now() - started) / 1000;
const rssMb = peakRssMb();
const memoryAtEnd = memoryMb();

const facts = kind === 'open-phmev' ? factsOf<PhmevFact>(outcome.output) : factsOf<MoFact>(outcome.output);
const aggregates = aggregateFacts(kind, facts);
const aggregatesPath = args.get('aggregates');
if (aggregatesPath) await writeAggregates(aggregatesPath, aggregates);

report({
  kind,
  seconds,
  rssMb,
  memoryAtEnd,
  bytes: size,
  encoding: read?.encoding ?? csv.encoding,
  halves: halves ? (read?.readWhole ?? 'joined') : 'one part',
  delimiter: csv.delimiter,
  parser,
  rowsRead: outcome.rowsRead,
  rowsAccepted: outcome.rowsAccepted,
  errors: outcome.issues.errors,
  warnings: outcome.issues.warnings,
  firstIssues: outcome.issues.listed.slice(0, 3).map((i) => `${i.code} line ${i.row ?? '-'} ${i.column ?? ''}: ${i.message}`),
  facts: facts.length,
  establishmentYears: aggregates.length,
});
