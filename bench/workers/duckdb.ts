/**
 * Child process: DuckDB on one thread, `read_csv` of the extract and the same aggregation as ours,
 * per FINESS and year: lines, total UCD, I999 UCD (`I999`/`I999999`), total amount, I999 amount,
 * the decimal commas parsed in SQL into exact decimals, in one of two ways (--variant):
 * - `typed` (default): `read_csv` reads `nb_ucd` and `montant` as DECIMAL with `decimal_separator=','`;
 * - `cast`: both read as VARCHAR, then `CAST(replace(x, ',', '.') AS DECIMAL)` in the query.
 *
 * Encoding: a Windows-1252 file is first tried with DuckDB's own `encoding='latin-1'`; when DuckDB
 * refuses it (its Latin-1 reader rejects bytes such as 0x92 `’`), the same query runs on --utf8-copy,
 * the file transcoded to UTF-8 by the parent. What was used, and DuckDB's message, are reported.
 */
import { DuckDBInstance, version as duckdbVersion } from '@duckdb/node-api';
import { childArgs, need, peakRssMb, report, writeAggregates, type YearAggregate } from '../common';

const args = childArgs(process.argv.slice(2));
const file = need(args, 'file');
const encoding = need(args, 'encoding');
const utf8Copy = args.get('utf8-copy');
const variant = args.get('variant') ?? 'typed';
if (variant !== 'typed' && variant !== 'cast') throw new Error(`unknown --variant ${variant}`);

const HORS_AMM = `code IN ('I999', 'I999999')`;

function query(path: string, duckEncoding: string): string {
  const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const numbers = variant === 'typed' ? { nb: 'DECIMAL(18, 3)', amount: 'DECIMAL(18, 2)' } : { nb: 'VARCHAR', amount: 'VARCHAR' };
  const parse = (column: string, type: string) => (variant === 'typed' ? column : `CAST(replace(trim(${column}), ',', '.') AS ${type})`);
  return `
    SELECT finess, annee AS year, count(*)::BIGINT AS lines,
      sum(nb)::DOUBLE AS total_ucd,
      coalesce(sum(nb) FILTER (WHERE ${HORS_AMM}), 0)::DOUBLE AS i999_ucd,
      sum(amount)::DOUBLE AS total_amount,
      coalesce(sum(amount) FILTER (WHERE ${HORS_AMM}), 0)::DOUBLE AS i999_amount
    FROM (
      SELECT trim(finess) AS finess, annee, upper(trim(code_indication)) AS code,
        ${parse('nb_ucd', 'DECIMAL(18, 3)')} AS nb,
        ${parse('montant', 'DECIMAL(18, 2)')} AS amount
      FROM read_csv(${literal(path)}, delim = ';', header = true, quote = '"', encoding = ${literal(duckEncoding)},
        ${variant === 'typed' ? "decimal_separator = ','," : ''}
        columns = {'finess': 'VARCHAR', 'annee': 'INTEGER', 'mois': 'INTEGER', 'ucd': 'VARCHAR', 'libelle': 'VARCHAR',
                   'code_indication': 'VARCHAR', 'nb_ucd': '${numbers.nb}', 'montant': '${numbers.amount}'})
    )
    GROUP BY finess, annee`;
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

const aggregates: YearAggregate[] = result.rows.map((r) => ({
  finess: String(r.finess),
  year: Number(r.year),
  lines: Number(r.lines),
  totalUcd: Number(r.total_ucd),
  i999Ucd: Number(r.i999_ucd),
  totalAmount: Number(r.total_amount),
  i999Amount: Number(r.i999_amount),
}));
const aggregatesPath = args.get('aggregates');
if (aggregatesPath) await writeAggregates(aggregatesPath, aggregates);

report({
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
