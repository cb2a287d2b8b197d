/**
 * Child process: our ingest path on one extract read from disk (`--kind`: the ATIH MO extract, a
 * PMSI FICHCOMP medicines file or an Open PHMEV file), exactly what lib/pipeline/ingest.ts does
 * minus S3 and DynamoDB: `openCsv` over the byte stream (with the ingest limits; `--parser
 * papaparse` for the reference path), then `readTabular(<the kind's format>, …)` against the
 * referential's establishments.
 * Prints its time, peak RSS and counts; writes the per-establishment-and-year totals to --aggregates.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { openCsv } from '../../lib/io/csv-reader';
import { atihMoFormat } from '../../lib/formats/kinds/atih-mo';
import { fichcompMedFormat } from '../../lib/formats/kinds/fichcomp-med';
import { openPhmevFormat } from '../../lib/formats/kinds/open-phmev';
import { INGEST_LIMITS } from '../../lib/formats/limits';
import { readTabular, type FormatContext } from '../../lib/formats/tabular';
import type { Establishment, MoFact, PhmevFact } from '../../lib/domain/schemas';
import { childArgs, MEASURED_KINDS, memoryMb, need, peakRssMb, report, writeAggregates, type Aggregate, type MeasuredKind } from '../common';
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

/** Where each kind is dropped and how it is read. */
const KINDS = {
  'atih-mo': { format: atihMoFormat, key: (year: number) => `atih/${year}/mo-bench.csv` },
  'fichcomp-med': { format: fichcompMedFormat, key: (year: number) => `atih/${year}/fichcomp-med-bench.csv` },
  'open-phmev': { format: openPhmevFormat, key: (year: number) => `cpam/${year}/OPEN_PHMEV_${year}.CSV` },
} as const;

function aggregateOf(byYear: Map<string, Aggregate>, finess: string, year: number): Aggregate {
  const id = `${finess}#${year}`;
  let agg = byYear.get(id);
  if (!agg) {
    agg = { finess, year, lines: 0, sums: {} };
    byYear.set(id, agg);
  }
  return agg;
}

function add(agg: Aggregate, sums: Record<string, number>): void {
  for (const [field, n] of Object.entries(sums)) agg.sums[field] = (agg.sums[field] ?? 0) + n;
}

const args = childArgs(process.argv.slice(2));
const kind = (args.get('kind') ?? 'atih-mo') as MeasuredKind;
if (!MEASURED_KINDS.includes(kind)) throw new Error(`unknown --kind ${kind}`);
const file = need(args, 'file');
const seed = Number(need(args, 'seed'));
const year = Number(need(args, 'year'));
const establishments = benchEstablishments(seed, Number(need(args, 'establishments')));
const parser = args.get('parser') === 'papaparse' ? 'papaparse' : 'auto';
const key = KINDS[kind].key(year);

const ctx: FormatContext = {
  source: { key, version: 'etag:bench' },
  fileName: key.split('/').pop() as string,
  year,
  campaign: null,
  finess: null,
  establishments: new Map(establishments.map((e) => [e.finess, e])),
};

const started = performance.now();
const csv = await openCsv(createReadStream(file), INGEST_LIMITS, { parser });
const outcome = await readTabular(KINDS[kind].format, csv, ctx);
const seconds = (performance.now() - started) / 1000;
const rssMb = peakRssMb();
const memoryAtEnd = memoryMb();

const byYear = new Map<string, Aggregate>();
let facts = 0;
if (kind === 'open-phmev') {
  for (const f of factsOf<PhmevFact>(outcome.output)) {
    facts++;
    const agg = aggregateOf(byYear, f.finess, f.year);
    agg.lines += f.lines;
    const repertoire = f.generics.repertoire;
    add(agg, { rem: f.medicines.rem, bse: f.medicines.bse, boxes: f.medicines.boxes, feesRem: f.fees.rem, ippRem: f.ipp.rem, ippBoxes: f.ipp.boxes, repertoireBoxes: repertoire, genericBoxes: f.generics.generic });
  }
} else {
  for (const f of factsOf<MoFact>(outcome.output)) {
    facts++;
    const agg = aggregateOf(byYear, f.finess, f.year);
    agg.lines += f.lines;
    add(agg, { totalUcd: f.totalUcd, i999Ucd: f.i999Ucd, totalAmount: f.totalAmount, i999Amount: f.i999Amount });
  }
}
const aggregatesPath = args.get('aggregates');
if (aggregatesPath) await writeAggregates(aggregatesPath, [...byYear.values()]);

report({
  kind,
  seconds,
  rssMb,
  memoryAtEnd,
  bytes: (await stat(file)).size,
  encoding: csv.encoding,
  delimiter: csv.delimiter,
  parser,
  rowsRead: outcome.rowsRead,
  rowsAccepted: outcome.rowsAccepted,
  errors: outcome.issues.errors,
  warnings: outcome.issues.warnings,
  firstIssues: outcome.issues.listed.slice(0, 3).map((i) => `${i.code} line ${i.row ?? '-'} ${i.column ?? ''}: ${i.message}`),
  facts,
  establishmentYears: byYear.size,
});
