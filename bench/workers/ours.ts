/**
 * Child process: our ingest path on one ATIH MO extract read from disk, exactly what
 * lib/pipeline/ingest.ts does minus S3 and DynamoDB: `openCsv` over the byte stream (with the
 * ingest limits; `--parser papaparse` for the reference path), then `readTabular(atihMoFormat, …)`
 * against the referential's establishments.
 * Prints its time, peak RSS and counts; writes the per-establishment-and-year totals to --aggregates.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { openCsv } from '../../lib/io';
import { atihMoFormat } from '../../lib/formats/kinds/atih-mo';
import { INGEST_LIMITS } from '../../lib/formats/limits';
import { readTabular, type FormatContext } from '../../lib/formats/tabular';
import type { Establishment } from '../../lib/domain/schemas';
import { childArgs, memoryMb, need, peakRssMb, report, writeAggregates, type YearAggregate } from '../common';
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

/** The MO facts of a tabular outcome's output, whatever its envelope (`{ type, facts }` or a bare list). */
function factsOf(output: unknown): Record<string, unknown>[] {
  if (Array.isArray(output)) return output as Record<string, unknown>[];
  if (output && typeof output === 'object' && Array.isArray((output as { facts?: unknown }).facts)) {
    return (output as { facts: Record<string, unknown>[] }).facts;
  }
  return [];
}

const args = childArgs(process.argv.slice(2));
const file = need(args, 'file');
const seed = Number(need(args, 'seed'));
const year = Number(need(args, 'year'));
const establishments = benchEstablishments(seed, Number(need(args, 'establishments')));
const parser = args.get('parser') === 'papaparse' ? 'papaparse' : 'auto';
const key = `atih/${year}/mo-bench.csv`;

const ctx: FormatContext = {
  source: { key, version: 'etag:bench' },
  fileName: 'mo-bench.csv',
  year,
  campaign: null,
  finess: null,
  establishments: new Map(establishments.map((e) => [e.finess, e])),
};

const started = performance.now();
const csv = await openCsv(createReadStream(file), INGEST_LIMITS, { parser });
const outcome = await readTabular(atihMoFormat, csv, ctx);
const seconds = (performance.now() - started) / 1000;
const rssMb = peakRssMb();
const memoryAtEnd = memoryMb();

const facts = factsOf(outcome.output);
const byYear = new Map<string, YearAggregate>();
for (const f of facts) {
  const id = `${String(f.finess)}#${Number(f.year)}`;
  let agg = byYear.get(id);
  if (!agg) {
    agg = { finess: String(f.finess), year: Number(f.year), lines: 0, totalUcd: 0, i999Ucd: 0, totalAmount: 0, i999Amount: 0 };
    byYear.set(id, agg);
  }
  agg.lines += Number(f.lines);
  agg.totalUcd += Number(f.totalUcd);
  agg.i999Ucd += Number(f.i999Ucd);
  agg.totalAmount += Number(f.totalAmount);
  agg.i999Amount += Number(f.i999Amount);
}
const aggregatesPath = args.get('aggregates');
if (aggregatesPath) await writeAggregates(aggregatesPath, [...byYear.values()]);

report({
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
  facts: facts.length,
  establishmentYears: byYear.size,
});
