/**
 * Child process: DuckDB on one thread, `read_csv` of the extract and the same aggregation as ours,
 * per FINESS and year (`--kind`): for the ATIH MO extract and a FICHCOMP medicines file, lines, total
 * UCD, I999 UCD (`I999`/`I999999`), total amount, I999 amount; for Open PHMEV, the lines of the
 * referential's establishments, medicines' REM, BSE and boxes without the dispensing fees (CIP13 `0`),
 * the fees' REM, PPI (ATC A02BC) REM and boxes, boxes in the generic repertoire and generics among
 * them (TOP_GEN read as lib/domain/phmev.ts reads it). The decimal commas are parsed in SQL into
 * exact decimals, in one of two ways (--variant):
 * - `typed` (default): `read_csv` reads `nb_ucd` and `montant` as DECIMAL with `decimal_separator=','`;
 * - `cast`: both read as VARCHAR, then `CAST(replace(x, ',', '.') AS DECIMAL)` in the query.
 *
 * Encoding: a Windows-1252 file is first tried with DuckDB's own `encoding='latin-1'`; when DuckDB
 * refuses it (its Latin-1 reader rejects bytes such as 0x92 `’`), the same query runs on --utf8-copy,
 * the file transcoded to UTF-8 by the parent. What was used, and DuckDB's message, are reported.
 */
import { DuckDBInstance, version as duckdbVersion } from '@duckdb/node-api';
import { TOP_GEN_READING } from '../../lib/domain/phmev';
import { AGGREGATE_FIELDS, childArgs, MEASURED_KINDS, need, peakRssMb, report, writeAggregates, type Aggregate, type MeasuredKind } from '../common';
import { makeEstablishments } from '../generate';

const args = childArgs(process.argv.slice(2));
const file = need(args, 'file');
const encoding = need(args, 'encoding');
const utf8Copy = args.get('utf8-copy');
const variant = args.get('variant') ?? 'typed';
if (variant !== 'typed' && variant !== 'cast') throw new Error(`unknown --variant ${variant}`);
const kind = (args.get('kind') ?? 'atih-mo') as MeasuredKind;
if (!MEASURED_KINDS.includes(kind)) throw new Error(`unknown --kind ${kind}`);

const HORS_AMM = `code IN ('I999', 'I999999')`;
const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;
const parse = (column: string, type: string) => (variant === 'typed' ? column : `CAST(replace(trim(${column}), ',', '.') AS ${type})`);
const typed = (type: string) => (variant === 'typed' ? type : 'VARCHAR');

/** `read_csv` of the file with these columns, the decimal commas read as the variant says. */
function readCsv(path: string, duckEncoding: string, columns: Record<string, string>): string {
  const spec = Object.entries(columns)
    .map(([name, type]) => `${literal(name)}: ${literal(type)}`)
    .join(', ');
  return `read_csv(${literal(path)}, delim = ';', header = true, quote = '"', encoding = ${literal(duckEncoding)},
    ${variant === 'typed' ? "decimal_separator = ','," : ''} columns = {${spec}})`;
}

/** The MO totals of lines already read as (finess, year, code, nb, amount). */
function moTotals(lines: string): string {
  return `
    SELECT finess, year, count(*)::BIGINT AS lines,
      sum(nb)::DOUBLE AS "totalUcd",
      coalesce(sum(nb) FILTER (WHERE ${HORS_AMM}), 0)::DOUBLE AS "i999Ucd",
      sum(amount)::DOUBLE AS "totalAmount",
      coalesce(sum(amount) FILTER (WHERE ${HORS_AMM}), 0)::DOUBLE AS "i999Amount"
    FROM (${lines})
    GROUP BY finess, year`;
}

const inList = (values: readonly string[]) => values.map(literal).join(', ');
const TOP_GEN = (groups: readonly string[]) => inList(Object.entries(TOP_GEN_READING).filter(([, r]) => groups.includes(r.group)).map(([v]) => v));

function query(path: string, duckEncoding: string): string {
  if (kind === 'atih-mo') {
    return moTotals(`
      SELECT trim(finess) AS finess, annee AS year, upper(trim(code_indication)) AS code,
        ${parse('nb_ucd', 'DECIMAL(18, 3)')} AS nb, ${parse('montant', 'DECIMAL(18, 2)')} AS amount
      FROM ${readCsv(path, duckEncoding, {
        finess: 'VARCHAR', annee: 'INTEGER', mois: 'INTEGER', ucd: 'VARCHAR', libelle: 'VARCHAR', code_indication: 'VARCHAR', nb_ucd: typed('DECIMAL(18, 3)'), montant: typed('DECIMAL(18, 2)'),
      })}`);
  }
  if (kind === 'fichcomp-med') {
    return moTotals(`
      SELECT trim(ETA_NUM) AS finess, ANN AS year, upper(trim(COD_LES)) AS code,
        ${parse('ADM_NBR', 'DECIMAL(18, 3)')} AS nb, ${parse('ADM_NBR_PRI', 'DECIMAL(18, 2)')} AS amount
      FROM ${readCsv(path, duckEncoding, {
        ETA_NUM: 'VARCHAR', RSA_NUM: 'VARCHAR', ANN: 'INTEGER', MOI: 'INTEGER', DAT_ADM_ANN: 'INTEGER', ADM_MOIS: 'INTEGER', UCD_UCD_COD: 'VARCHAR', COD_LES: 'VARCHAR', ADM_NBR: typed('DECIMAL(18, 3)'), ADM_NBR_PRI: typed('DECIMAL(18, 2)'),
      })}`);
  }
  // Open PHMEV: only the referential's establishments (sites or legal entities), as a region reads the national base.
  const referential = makeEstablishments(Number(need(args, 'seed')), Number(need(args, 'establishments'))).flatMap((e) => [e.finess, e.finessJuridique]);
  const columns: Record<string, string> = {};
  for (const name of ['atc1', 'l_atc1', 'atc2', 'L_ATC2', 'atc3', 'L_ATC3', 'atc4', 'L_ATC4', 'ATC5', 'L_ATC5', 'CIP13', 'l_cip13', 'TOP_GEN', 'GEN_NUM', 'age', 'SEXE', 'etb_rgt', 'categorie_jur', 'categorie_jur_rgt', 'code_postal', 'nom_etb', 'nom_ville', 'nom_voie', 'numero_voie', 'raison_sociale_etb', 'top_etb_age', 'top_etb_sexe', 'region_etb']) {
    columns[name] = 'VARCHAR';
  }
  Object.assign(columns, { BOITES: typed('DECIMAL(18, 3)'), REM: typed('DECIMAL(18, 2)'), BSE: typed('DECIMAL(18, 2)') });
  const medicine = 'NOT fee';
  return `
    SELECT finess, ${Number(need(args, 'year'))} AS year, count(*)::BIGINT AS lines,
      coalesce(sum(rem) FILTER (WHERE ${medicine}), 0)::DOUBLE AS "rem",
      coalesce(sum(bse) FILTER (WHERE ${medicine}), 0)::DOUBLE AS "bse",
      coalesce(sum(boxes) FILTER (WHERE ${medicine}), 0)::DOUBLE AS "boxes",
      coalesce(sum(rem) FILTER (WHERE fee), 0)::DOUBLE AS "feesRem",
      coalesce(sum(rem) FILTER (WHERE ${medicine} AND ipp), 0)::DOUBLE AS "ippRem",
      coalesce(sum(boxes) FILTER (WHERE ${medicine} AND ipp), 0)::DOUBLE AS "ippBoxes",
      coalesce(sum(boxes) FILTER (WHERE ${medicine} AND top_gen IN (${TOP_GEN(['generic', 'originator'])})), 0)::DOUBLE AS "repertoireBoxes",
      coalesce(sum(boxes) FILTER (WHERE ${medicine} AND top_gen IN (${TOP_GEN(['generic'])})), 0)::DOUBLE AS "genericBoxes"
    FROM (
      SELECT trim(etb_rgt) AS finess,
        (trim(CIP13) = '0' OR regexp_matches(coalesce(trim(l_cip13), ''), '^honoraires? de dispensation$', 'i')) AS fee,
        (upper(trim(atc4)) = 'A02BC' OR upper(trim(ATC5)) LIKE 'A02BC%') AS ipp,
        upper(trim(TOP_GEN)) AS top_gen,
        ${parse('BOITES', 'DECIMAL(18, 3)')} AS boxes, ${parse('REM', 'DECIMAL(18, 2)')} AS rem, ${parse('BSE', 'DECIMAL(18, 2)')} AS bse
      FROM ${readCsv(path, duckEncoding, columns)}
    )
    WHERE finess IN (${inList([...new Set(referential)])})
    GROUP BY finess`;
}

const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
const connection = await instance.connect();
await connection.run('SET threads = 1');
const threads = (await connection.runAndReadAll(`SELECT current_setting('threads') AS t`)).getRowObjectsJson()[0]?.t;

let used: { file: string; encoding: string; note: string | null } = { file, encoding: encoding === 'windows-1252' ? 'latin-1' : 'utf-8', note: null };
let latin1Refusal: string | null = null;

async function run(path: string, duckEncoding: string): Promise<{ rows: Record<string, unknown>[]; seconds: number }> {
  const started = performance.now();
  const reader = await connection.runAndReadAll(query(path, duckEncoding));
  const rows = reader.getRowObjectsJson() as Record<string, unknown>[];
  return { rows, seconds: (performance.now() - started) / 1000 };
}

let result: { rows: Record<string, unknown>[]; seconds: number };
try {
  result = await run(used.file, used.encoding);
} catch (error) {
  if (encoding !== 'windows-1252' || !utf8Copy) throw error;
  latin1Refusal = String((error as Error).message).split('\n')[0] ?? String(error);
  used = { file: utf8Copy, encoding: 'utf-8', note: 'UTF-8 copy of the Windows-1252 file' };
  result = await run(used.file, used.encoding);
}

const fields = AGGREGATE_FIELDS[kind];
const aggregates: Aggregate[] = result.rows.map((r) => ({
  finess: String(r.finess),
  year: Number(r.year),
  lines: Number(r.lines),
  sums: Object.fromEntries([...fields.quantities, ...fields.amounts].map((f) => [f, Number(r[f])])),
}));
const aggregatesPath = args.get('aggregates');
if (aggregatesPath) await writeAggregates(aggregatesPath, aggregates);

report({
  kind,
  seconds: result.seconds,
  rssMb: peakRssMb(),
  duckdbVersion: duckdbVersion(),
  variant,
  threads,
  encodingUsed: used.encoding,
  fileUsed: used.file,
  note: used.note,
  latin1Refusal,
  establishmentYears: aggregates.length,
  lines: aggregates.reduce((n, a) => n + a.lines, 0),
});
connection.closeSync();
instance.closeSync();
