/**
 * `npm run bench`: the hot path measured. For each kind (a generated ATIH MO extract at 100k, 1M
 * and 10M rows; a PMSI FICHCOMP medicines file at 100k and 20M lines; an Open PHMEV file at 100k
 * and 3.5M lines, about 1.2 GB, by default) and size, each reader in its own child process so that
 * its peak RSS is its own:
 *
 * - ours: `openCsv(createReadStream(file))` then `readTabular(<the kind's format>, …)`, what the ingest
 *   Lambda does minus S3 and DynamoDB (`--parser papaparse`: the papaparse reference path instead
 *   of the quote-free scan; `--node-flags`: the V8 flags the function would run with);
 * - bytes only: read the file and count line feeds (the floor);
 * - DuckDB on one thread: `read_csv` and the same aggregation per FINESS and year, checked against
 *   ours to the cent, the decimal commas read by `read_csv` itself (`decimal_separator`, the time the
 *   goal compares with) and, apart, as text converted by `CAST(replace(…))` in the query;
 * - DynamoDB writes: the referential then the extract through the whole pipeline on the embedded
 *   emulators, every write request counted (100k and 1M only by default).
 *
 * Generated files are cached under `.bench/` (gitignored) by kind, size, seed, encoding and generator
 * version. The measured children are bundled with esbuild first (as the CDK bundles the Lambda), so
 * neither tsx's loader thread nor its per-function name helpers are measured; `--runner tsx` runs
 * them through tsx instead. Results are printed as a table and written to bench/results/latest.json.
 *
 * @example
 * npm run bench                      # every kind at its sizes
 * npm run bench -- --kinds open-phmev,fichcomp-med   # the national sources only
 * npm run bench -- --quick           # a smoke run of about a minute
 * npm run bench -- --sizes 100000,1000000 --runs 3 --profile
 * npm run bench -- --node-flags=--max-semi-space-size=8   # young generation capped, as NODE_OPTIONS would
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, link, mkdir, readdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { arch, availableParallelism, cpus, loadavg, platform, release, totalmem } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { commandBundle, EXTERNAL } from '../bin/cli-bundle.mjs';
import { AGGREGATE_FIELDS, DROP_KEYS, MEASURED_KINDS, RESULT_PREFIX, round, type Aggregate, type MeasuredKind } from './common';
import { DEFAULT_ESTABLISHMENTS, DEFAULT_YEAR, GENERATOR_VERSION, generate, makeEstablishments, writeEstablishments, type BenchEncoding, type GenerateResult } from './generate';
import { summariseProfile, type ProfileSummary } from './profile';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

interface Options {
  kinds: MeasuredKind[];
  /** Line counts per kind (`--sizes` for the ATIH MO extract). */
  sizes: Record<MeasuredKind, number[]>;
  dynamoSizes: number[];
  duckdb: boolean;
  seed: number;
  encoding: BenchEncoding;
  year: number;
  establishments: number;
  runs: number;
  runner: 'bundle' | 'tsx';
  parser: 'auto' | 'papaparse';
  /** Extra Node flags for ours' children, as the ingest function's NODE_OPTIONS would give them. */
  nodeFlags: string[];
  profile: number | null;
  dir: string;
  out: string;
  quick: boolean;
  /** Also the product's commands end to end: `caqes validate`, `caqes run`, the ingest handler on the local S3. */
  commands: boolean;
  /** The day `caqes run` simulates (`--today`). */
  today: string;
}

const USAGE = `usage: npm run bench -- [options]
  --kinds K,K,...        what is measured (default atih-mo,fichcomp-med,open-phmev)
  --sizes N,N,...        ATIH MO extract row counts (default 100000,1000000,10000000)
  --fichcomp-sizes N,... FICHCOMP medicines line counts (default 100000,20000000)
  --phmev-sizes N,...    Open PHMEV line counts (default 100000,3500000: about 1.2 GB)
  --quick                smoke run: 20000 and 100000 lines of each kind, DynamoDB on both
  --commands             also the commands end to end at every size: caqes validate, caqes run on
                         the embedded default (start to indicators written, peak RSS of the whole
                         process), the ingest handler on the local S3 (its stored facts checked
                         against DuckDB); sizes default to ATIH MO 1M and 10M, FICHCOMP 20M,
                         Open PHMEV 3.5M; a markdown table for the README is printed last
  --today YYYY-MM-DD     the day caqes run simulates (default 2026-02-23, as npm start)
  --dynamo-sizes N,...   ATIH sizes whose DynamoDB writes are counted (default: those up to 1000000;
                         every size of every kind with --commands)
  --no-dynamo            skip the DynamoDB writes
  --no-duckdb            skip DuckDB
  --runs N               timed runs per reader and size, the median is kept (default 1)
  --seed N               generator seed (default 42)
  --encoding E           windows-1252 (default) or utf-8
  --establishments N     establishments in the referential (default ${DEFAULT_ESTABLISHMENTS})
  --runner R             bundle (default: children bundled by esbuild) or tsx
  --parser P             how ours splits CSV records: auto (default: the quote-free scan, papaparse
                         from a quoted field on) or papaparse (every record, the reference path)
  --node-flags="F ..."   extra Node flags for ours, as the ingest function's NODE_OPTIONS would give
                         them (e.g. --node-flags=--max-semi-space-size=8)
  --profile [N]          also run ours once under --cpu-prof on the N-row file (default 1000000 or the
                         largest size below it) and print where the time goes; with --commands, caqes validate and caqes
                         run too
  --dir DIR              cache of generated files (default .bench)
  --out FILE             JSON results (default bench/results/latest.json)`;

function sizeList(text: string): number[] {
  const sizes = text.split(',').map((s) => Number(s.trim().replace(/_/g, '')));
  if (sizes.length === 0 || sizes.some((n) => !Number.isSafeInteger(n) || n <= 0)) throw new Error(`bad size list: ${text}`);
  return [...new Set(sizes)].sort((a, b) => a - b);
}

function parseOptions(argv: string[]): Options | null {
  // `--profile` may come with or without a size.
  const args = [...argv];
  let profileArg: string | null = null;
  const p = args.indexOf('--profile');
  if (p >= 0) {
    const next = args[p + 1];
    profileArg = next !== undefined && /^\d[\d_]*$/.test(next) ? next : '';
    args.splice(p, profileArg === '' ? 1 : 2);
  }
  const { values } = parseArgs({
    args,
    options: {
      kinds: { type: 'string', default: MEASURED_KINDS.join(',') },
      sizes: { type: 'string' },
      'fichcomp-sizes': { type: 'string' },
      'phmev-sizes': { type: 'string' },
      quick: { type: 'boolean', default: false },
      commands: { type: 'boolean', default: false },
      today: { type: 'string', default: '2026-02-23' },
      'dynamo-sizes': { type: 'string' },
      'no-dynamo': { type: 'boolean', default: false },
      'no-duckdb': { type: 'boolean', default: false },
      runs: { type: 'string', default: '1' },
      seed: { type: 'string', default: '42' },
      encoding: { type: 'string', default: 'windows-1252' },
      establishments: { type: 'string', default: String(DEFAULT_ESTABLISHMENTS) },
      year: { type: 'string', default: String(DEFAULT_YEAR) },
      runner: { type: 'string', default: 'bundle' },
      parser: { type: 'string', default: 'auto' },
      'node-flags': { type: 'string', default: '' },
      dir: { type: 'string', default: '.bench' },
      out: { type: 'string', default: 'bench/results/latest.json' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return null;
  const quick = values.quick;
  const commands = values.commands;
  const small = '20000,100000';
  const sizes: Record<MeasuredKind, number[]> = {
    'atih-mo': sizeList(values.sizes ?? (quick ? small : commands ? '1000000,10000000' : '100000,1000000,10000000')),
    'fichcomp-med': sizeList(values['fichcomp-sizes'] ?? (quick ? small : commands ? '20000000' : '100000,20000000')),
    'open-phmev': sizeList(values['phmev-sizes'] ?? (quick ? small : commands ? '3500000' : '100000,3500000')),
  };
  if (!/^\d{4}-\d{2}-\d{2}$/.test(values.today)) throw new Error(`bad --today: ${values.today}`);
  const kinds = values.kinds.split(',').map((k) => k.trim()) as MeasuredKind[];
  for (const k of kinds) if (!MEASURED_KINDS.includes(k)) throw new Error(`bad kind: ${k}`);
  // Writes are counted for the ATIH extract: the other kinds store the same facts through the same code.
  const dynamoSizes = values['no-dynamo'] ? [] : values['dynamo-sizes'] ? sizeList(values['dynamo-sizes']) : commands ? sizes['atih-mo'] : sizes['atih-mo'].filter((n) => n <= 1_000_000);
  const encoding = values.encoding;
  const runner = values.runner;
  const parser = values.parser;
  if (parser !== 'auto' && parser !== 'papaparse') throw new Error(`bad parser: ${parser}`);
  if (encoding !== 'windows-1252' && encoding !== 'utf-8') throw new Error(`bad encoding: ${encoding}`);
  if (runner !== 'bundle' && runner !== 'tsx') throw new Error(`bad runner: ${runner}`);
  const numbers = { runs: Number(values.runs), seed: Number(values.seed), establishments: Number(values.establishments), year: Number(values.year) };
  for (const [name, n] of Object.entries(numbers)) if (!Number.isSafeInteger(n) || n < (name === 'seed' ? 0 : 1)) throw new Error(`bad --${name}`);
  let profile: number | null = null;
  if (profileArg !== null) {
    const atih = sizes['atih-mo'];
    profile = profileArg !== '' ? Number(profileArg.replace(/_/g, '')) : ([...atih].reverse().find((n) => n <= 1_000_000) ?? (atih[0] as number));
  }
  return {
    kinds,
    sizes,
    dynamoSizes,
    duckdb: !values['no-duckdb'],
    ...numbers,
    encoding,
    runner,
    parser,
    nodeFlags: values['node-flags'].split(/\s+/).filter(Boolean),
    profile,
    dir: resolve(ROOT, values.dir),
    out: resolve(ROOT, values.out),
    quick,
    commands,
    today: values.today,
  };
}

// ---------------------------------------------------------------------------------------------
// Children
// ---------------------------------------------------------------------------------------------

type Worker = 'ours' | 'bytes' | 'duckdb' | 'transcode' | 'dynamo' | 'command';

interface ChildOutcome {
  ok: boolean;
  /** What the child reported (its own timing, peak RSS, counts). */
  result: Record<string, unknown> | null;
  /** From spawn to exit, process start-up included. */
  wallSeconds: number;
  error: string | null;
}

let bundleDir: string | null = null;

/** Bundles the measured children with esbuild, as the CDK bundles the Lambda (DuckDB stays external: native). */
async function bundleWorkers(dir: string): Promise<void> {
  const outdir = join(dir, 'build');
  const common = {
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outdir,
    outExtension: { '.js': '.mjs' },
    // CommonJS dependencies (papaparse, iconv-lite) call require() on Node built-ins.
    banner: { js: "import { createRequire as __benchCreateRequire } from 'node:module'; const require = __benchCreateRequire(import.meta.url);" },
    logLevel: 'warning',
  } as const;
  const readers = Object.fromEntries(['ours', 'bytes', 'duckdb', 'transcode'].map((w) => [w, join(ROOT, 'bench/workers', `${w}.ts`)]));
  // Ours reads a large extract in two halves, the second on this worker thread (lib/formats/halves.ts).
  readers['second-half'] = join(ROOT, 'lib/formats/second-half-worker.ts');
  await build({ ...common, entryPoints: readers, external: ['@duckdb/*'] });
  // The DynamoDB child runs the handlers over the emulators: bundled as `caqes` bundles them (its
  // packages but those Node must load itself, names kept). Through tsx, its ingest and compute took
  // about a fifth longer than the same code bundled (10M ATIH rows, 2 runs each).
  await build({ ...common, entryPoints: [join(ROOT, 'bench/workers/dynamo.ts')], external: [...EXTERNAL], keepNames: true });
  bundleDir = outdir;
}

function command(worker: Worker, runner: Options['runner']): string[] {
  // The commands' child runs them as `npx caqes` does (bin/caqes.mjs: the command's own bundle, no tsx).
  if (worker === 'command') return [join(ROOT, 'bench/workers/command.mjs')];
  if (runner === 'bundle' && bundleDir) return [join(bundleDir, `${worker}.mjs`)];
  return ['--import', 'tsx', join(ROOT, 'bench/workers', `${worker}.ts`)];
}

function runChild(worker: Worker, args: string[], options: Options, nodeFlags: string[] = []): Promise<ChildOutcome> {
  const started = performance.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, [...nodeFlags, ...command(worker, options.runner), ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    let result: Record<string, unknown> | null = null;
    let pending = '';
    let tail = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      pending += text;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (line.startsWith(RESULT_PREFIX)) result = JSON.parse(line.slice(RESULT_PREFIX.length)) as Record<string, unknown>;
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      tail = (tail + text).slice(-4000);
    });
    child.on('close', (code, signal) => {
      const wallSeconds = (performance.now() - started) / 1000;
      const ok = code === 0 && result !== null;
      const error = ok ? null : `${worker} exited with ${signal ?? code}: ${tail.trim().split('\n').slice(-8).join('\n') || '(no output)'}`;
      done({ ok, result, wallSeconds, error });
    });
  });
}

/** Runs a child `runs` times and keeps the run of median time (all times kept too). */
async function measure(worker: Worker, args: string[], options: Options, runs = options.runs, nodeFlags = worker === 'ours' ? options.nodeFlags : []): Promise<Measured> {
  const outcomes: ChildOutcome[] = [];
  for (let i = 0; i < runs; i++) {
    const outcome = await runChild(worker, args, options, nodeFlags);
    outcomes.push(outcome);
    if (!outcome.ok) break;
  }
  const failed = outcomes.find((o) => !o.ok);
  if (failed) return { ok: false, error: failed.error, seconds: null, rssMb: null, wallSeconds: null, runs: [], result: failed.result };
  const sorted = [...outcomes].sort((a, b) => Number(a.result?.seconds) - Number(b.result?.seconds));
  const median = sorted[Math.floor((sorted.length - 1) / 2)] as ChildOutcome;
  return {
    ok: true,
    error: null,
    seconds: Number(median.result?.seconds),
    rssMb: Math.max(...outcomes.map((o) => Number(o.result?.rssMb))),
    wallSeconds: median.wallSeconds,
    runs: outcomes.map((o) => Number(o.result?.seconds)),
    result: median.result,
  };
}

interface Measured {
  ok: boolean;
  error: string | null;
  /** The child's own time for the work (median run), start-up excluded. */
  seconds: number | null;
  /** Peak RSS, the highest over the runs. */
  rssMb: number | null;
  wallSeconds: number | null;
  runs: number[];
  result: Record<string, unknown> | null;
}

// ---------------------------------------------------------------------------------------------
// Files (cached)
// ---------------------------------------------------------------------------------------------

interface Extract extends GenerateResult {
  reused: boolean;
  /** For DuckDB when the extract is Windows-1252: the same rows transcoded to UTF-8. */
  utf8Copy: { path: string; seconds: number; rssMb: number; reused: boolean } | null;
}

async function readJson<T>(path: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return null;
  }
}

async function sizeOf(path: string): Promise<number | null> {
  try {
    return (await stat(path)).size;
  } catch {
    return null;
  }
}

/** The cache name's prefix of each kind (`mo` kept from the ATIH-only harness, so its files are reused). */
const FILE_PREFIX: Record<MeasuredKind, string> = { 'atih-mo': 'mo', 'fichcomp-med': 'fichcomp-med', 'open-phmev': 'open-phmev' };

async function extractFor(kind: MeasuredKind, rows: number, options: Options): Promise<Extract> {
  const name = `${FILE_PREFIX[kind]}-${options.year}-${rows}-s${options.seed}-e${options.establishments}-${options.encoding}-g${GENERATOR_VERSION}`;
  const path = join(options.dir, `${name}.csv`);
  const metaPath = join(options.dir, `${name}.json`);
  let meta = await readJson<GenerateResult>(metaPath);
  let reused = true;
  if (!meta || meta.rows !== rows || meta.generatorVersion !== GENERATOR_VERSION || (await sizeOf(path)) !== meta.bytes) {
    reused = false;
    log(`  generating ${relative(ROOT, path)} (${rows} rows)…`);
    await unlink(metaPath).catch(() => undefined);
    meta = await generate(path, { kind, rows, seed: options.seed, encoding: options.encoding, year: options.year, establishments: options.establishments });
    await writeFile(metaPath, `${JSON.stringify(meta, null, 2)}\n`);
    log(`  generated ${(meta.bytes / MB).toFixed(1)} MB in ${meta.seconds.toFixed(1)} s (${(meta.bytes / rows).toFixed(1)} bytes/row)`);
  }
  let utf8Copy: Extract['utf8Copy'] = null;
  if (options.duckdb && options.encoding === 'windows-1252') {
    const copyPath = join(options.dir, `${name}.utf8-copy.csv`);
    const copyMetaPath = join(options.dir, `${name}.utf8-copy.json`);
    const copyMeta = await readJson<{ seconds: number; rssMb: number; source: number; bytes: number }>(copyMetaPath);
    if (reused && copyMeta && copyMeta.source === meta.bytes && (await sizeOf(copyPath)) === copyMeta.bytes) {
      utf8Copy = { path: copyPath, seconds: copyMeta.seconds, rssMb: copyMeta.rssMb, reused: true };
    } else {
      log('  transcoding a UTF-8 copy for DuckDB…');
      await unlink(copyMetaPath).catch(() => undefined);
      const t = await runChild('transcode', ['--file', path, '--out', copyPath], options);
      if (!t.ok) throw new Error(t.error ?? 'transcode failed');
      const seconds = Number(t.result?.seconds);
      const rssMb = Number(t.result?.rssMb);
      await writeFile(copyMetaPath, `${JSON.stringify({ seconds, rssMb, source: meta.bytes, bytes: await sizeOf(copyPath) }, null, 2)}\n`);
      utf8Copy = { path: copyPath, seconds, rssMb, reused: false };
    }
  }
  return { ...meta, path, reused, utf8Copy };
}

async function referentialFor(options: Options): Promise<string> {
  const path = join(options.dir, `etablissements-s${options.seed}-e${options.establishments}-g${GENERATOR_VERSION}.csv`);
  if (!existsSync(path)) await writeEstablishments(path, makeEstablishments(options.seed, options.establishments), 'windows-1252');
  return path;
}

// ---------------------------------------------------------------------------------------------
// Comparison of aggregates
// ---------------------------------------------------------------------------------------------

interface Agreement {
  agree: boolean;
  establishmentYears: { ours: number; duckdb: number };
  mismatches: number;
  examples: string[];
  /** Largest difference of an amount, in cents, after rounding both sides to the cent. */
  maxAmountDiffCents: number;
  /** Largest difference of a quantity (UCD, boxes; both rounded to 3 decimals). */
  maxUcdDiff: number;
}

function compare(kind: MeasuredKind, ours: readonly Aggregate[], duck: readonly Aggregate[]): Agreement {
  const fields = AGGREGATE_FIELDS[kind];
  const theirs = new Map(duck.map((a) => [`${a.finess}#${a.year}`, a]));
  const examples: string[] = [];
  let mismatches = 0;
  let maxAmountDiffCents = 0;
  let maxUcdDiff = 0;
  const seen = new Set<string>();
  for (const a of ours) {
    const id = `${a.finess}#${a.year}`;
    seen.add(id);
    const b = theirs.get(id);
    if (!b) {
      mismatches++;
      if (examples.length < 5) examples.push(`${id}: only in ours`);
      continue;
    }
    const diffs: string[] = [];
    if (a.lines !== b.lines) diffs.push(`lines ${a.lines} vs ${b.lines}`);
    for (const field of fields.quantities) {
      const [x, y] = [a.sums[field] ?? 0, b.sums[field] ?? 0];
      const d = Math.abs(round(x, 3) - round(y, 3));
      maxUcdDiff = Math.max(maxUcdDiff, d);
      if (d > 1e-9) diffs.push(`${field} ${x} vs ${y}`);
    }
    for (const field of fields.amounts) {
      const [x, y] = [a.sums[field] ?? 0, b.sums[field] ?? 0];
      const d = Math.abs(Math.round(x * 100) - Math.round(y * 100));
      maxAmountDiffCents = Math.max(maxAmountDiffCents, d);
      if (d > 0) diffs.push(`${field} ${x.toFixed(2)} vs ${y.toFixed(2)}`);
    }
    if (diffs.length > 0) {
      mismatches++;
      if (examples.length < 5) examples.push(`${id}: ${diffs.join(', ')}`);
    }
  }
  for (const b of duck) {
    const id = `${b.finess}#${b.year}`;
    if (!seen.has(id)) {
      mismatches++;
      if (examples.length < 5) examples.push(`${id}: only in DuckDB`);
    }
  }
  return { agree: mismatches === 0, establishmentYears: { ours: ours.length, duckdb: duck.length }, mismatches, examples, maxAmountDiffCents, maxUcdDiff };
}

// ---------------------------------------------------------------------------------------------
// One size
// ---------------------------------------------------------------------------------------------

type DuckRun = Measured & { encodingUsed: string | null; latin1Refusal: string | null; utf8CopySeconds: number | null };

interface SizeResult {
  kind: MeasuredKind;
  rows: number;
  bytes: number;
  mb: number;
  file: string;
  fileReused: boolean;
  establishments: number;
  establishmentsWithRows: number;
  ours: Measured & { rowsPerSecond: number | null; mbPerSecond: number | null };
  bytesOnly: Measured;
  /** DuckDB reading the decimal-comma columns as DECIMAL (`decimal_separator=','`). */
  duckdb: DuckRun | null;
  /** DuckDB reading them as text and converting with `CAST(replace(…))` in the query. */
  duckdbCast: DuckRun | null;
  /** Ours against DuckDB (typed), and against DuckDB (cast). */
  agreement: Agreement | null;
  agreementCast: Agreement | null;
  /** The ingest handler on the local S3 and DynamoDB (with the compute it asks for). */
  dynamo: Measured | null;
  /** The facts the ingest handler stored against DuckDB (typed). */
  agreementIngest: Agreement | null;
  /** `caqes validate <file>` and `caqes run --data <drop folder>`, each a whole process. */
  validate: Measured | null;
  run: Measured | null;
  /** `caqes run` once with V8's old space capped at CAPPED_HEAP_MB. */
  cappedRun: Measured | null;
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** The command line of the `ours` child on one extract. */
function oursArgs(kind: MeasuredKind, file: string, options: Options): string[] {
  return ['--kind', kind, '--file', file, '--seed', String(options.seed), '--year', String(options.year), '--establishments', String(options.establishments), '--parser', options.parser];
}

async function benchSize(kind: MeasuredKind, rows: number, options: Options, referential: string): Promise<SizeResult> {
  log(`\n== ${kind}, ${rows} rows`);
  const extract = await extractFor(kind, rows, options);
  const aggDir = join(options.dir, 'aggregates');
  await mkdir(aggDir, { recursive: true });

  // Warm the page cache so that every reader starts from the same place (the first read of a
  // freshly generated file may or may not hit the disk).
  await runChild('bytes', ['--file', extract.path], options);
  if (extract.utf8Copy) await runChild('bytes', ['--file', extract.utf8Copy.path], options);

  log('  bytes only…');
  const bytesOnly = await measure('bytes', ['--file', extract.path], options);

  log('  ours…');
  const oursAgg = join(aggDir, `ours-${kind}-${rows}.json`);
  const oursRun = await measure('ours', [...oursArgs(kind, extract.path, options), '--aggregates', oursAgg], options);
  if (!oursRun.ok) log(`  ours FAILED: ${oursRun.error}`);
  else if (Number(oursRun.result?.errors) > 0) log(`  ours: the file was refused: ${JSON.stringify(oursRun.result?.firstIssues)}`);
  const ours = {
    ...oursRun,
    rowsPerSecond: oursRun.seconds ? rows / oursRun.seconds : null,
    mbPerSecond: oursRun.seconds ? extract.bytes / MB / oursRun.seconds : null,
  };

  let duckdb: DuckRun | null = null;
  let duckdbCast: DuckRun | null = null;
  let agreement: Agreement | null = null;
  let agreementCast: Agreement | null = null;
  if (options.duckdb) {
    const oursAggregates = ours.ok ? await readJson<Aggregate[]>(oursAgg) : null;
    const runDuck = async (variant: 'typed' | 'cast'): Promise<{ run: DuckRun; agreement: Agreement | null }> => {
      log(`  DuckDB (${variant})…`);
      const duckAgg = join(aggDir, `duckdb-${kind}-${variant}-${rows}.json`);
      const args = ['--kind', kind, '--file', extract.path, '--encoding', options.encoding, '--variant', variant, '--aggregates', duckAgg, '--seed', String(options.seed), '--establishments', String(options.establishments), '--year', String(options.year)];
      if (extract.utf8Copy) args.push('--utf8-copy', extract.utf8Copy.path);
      const run = await measure('duckdb', args, options);
      if (!run.ok) log(`  DuckDB (${variant}) FAILED: ${run.error}`);
      const theirs = run.ok ? await readJson<Aggregate[]>(duckAgg) : null;
      return {
        run: {
          ...run,
          encodingUsed: run.result ? `${String(run.result.encodingUsed)}${run.result.note ? ` (${String(run.result.note)})` : ''}` : null,
          latin1Refusal: (run.result?.latin1Refusal as string | null | undefined) ?? null,
          utf8CopySeconds: run.result?.note && extract.utf8Copy ? extract.utf8Copy.seconds : null,
        },
        agreement: oursAggregates && theirs ? compare(kind, oursAggregates, theirs) : null,
      };
    };
    ({ run: duckdb, agreement } = await runDuck('typed'));
    ({ run: duckdbCast, agreement: agreementCast } = await runDuck('cast'));
  }

  let dynamo: Measured | null = null;
  let agreementIngest: Agreement | null = null;
  if ((kind === 'atih-mo' && options.dynamoSizes.includes(rows)) || options.commands) {
    log('  ingest handler on the local S3, DynamoDB writes (embedded emulators)…');
    const ingestAgg = join(aggDir, `ingest-${kind}-${rows}.json`);
    dynamo = await measure('dynamo', ['--kind', kind, '--file', extract.path, '--referential', referential, '--year', String(options.year), '--aggregates', ingestAgg], options, 1);
    if (!dynamo.ok) log(`  DynamoDB FAILED: ${dynamo.error}`);
    const duckAgg = duckdb?.ok ? await readJson<Aggregate[]>(join(aggDir, `duckdb-${kind}-typed-${rows}.json`)) : null;
    const stored = dynamo.ok ? await readJson<Aggregate[]>(ingestAgg) : null;
    if (duckAgg && stored) agreementIngest = compare(kind, stored, duckAgg);
  }
  const commands = options.commands ? await benchCommands(kind, extract.path, referential, options) : { validate: null, run: null, cappedRun: null };

  return {
    kind,
    rows,
    bytes: extract.bytes,
    mb: extract.bytes / MB,
    file: relative(ROOT, extract.path),
    fileReused: extract.reused,
    establishments: extract.establishments,
    establishmentsWithRows: extract.establishmentsWithRows,
    ours,
    bytesOnly,
    duckdb,
    duckdbCast,
    agreement,
    agreementCast,
    dynamo,
    agreementIngest,
    ...commands,
  };
}

/**
 * A folder laid out like the drop zone for `caqes run` and `caqes validate`: the referential and the
 * extract under their drop keys, hard-linked (copied where links are refused) from the cache.
 */
async function dropFolder(kind: MeasuredKind, file: string, referential: string, options: Options): Promise<{ dir: string; extract: string }> {
  const dir = join(options.dir, 'drops', basename(file, '.csv'));
  await rm(dir, { recursive: true, force: true });
  const place = async (from: string, key: string): Promise<string> => {
    const to = join(dir, ...key.split('/'));
    await mkdir(dirname(to), { recursive: true });
    await link(from, to).catch(() => copyFile(from, to));
    return to;
  };
  await place(referential, 'referential/etablissements.csv');
  return { dir, extract: await place(file, DROP_KEYS[kind](options.year)) };
}

/**
 * V8's old space for the run that checks `caqes run` needs no more heap for a larger file: peak RSS
 * moves by tens of MB from one run to the next with when V8 collects (the live heap at the end is
 * 37 MB at 1M and at 10M ATIH rows), where a run that needed more heap for more rows would fail at
 * the larger size only. 64 MB was too little at 1M and at 10M rows alike, 80 MB enough at both.
 */
const CAPPED_HEAP_MB = 96;

/**
 * `caqes validate` and `caqes run` on one extract, each in its own process (its peak RSS the whole
 * command's), then `caqes run` once more with its heap capped (CAPPED_HEAP_MB).
 */
async function benchCommands(kind: MeasuredKind, file: string, referential: string, options: Options): Promise<{ validate: Measured; run: Measured; cappedRun: Measured }> {
  const drop = await dropFolder(kind, file, referential, options);
  // Built before the first timed command, as it is before a user's second `npx caqes`.
  if ((await commandBundle()) === null) log('  the command could not be bundled: it runs through tsx');
  log('  caqes validate…');
  const validate = await measure('command', ['--label', 'validate', '--', 'validate', drop.extract], options);
  if (!validate.ok) log(`  caqes validate FAILED: ${validate.error}`);
  log('  caqes run (embedded default)…');
  const out = `${drop.dir}-out`;
  await rm(out, { recursive: true, force: true });
  const runArgs = ['--label', 'run', '--', 'run', '--data', drop.dir, '--today', options.today, '--out', out];
  const run = await measure('command', runArgs, options);
  if (!run.ok) log(`  caqes run FAILED: ${run.error}`);
  log(`  caqes run, heap capped at ${CAPPED_HEAP_MB} MB…`);
  await rm(out, { recursive: true, force: true });
  const cappedRun = await measure('command', runArgs, options, 1, [`--max-old-space-size=${CAPPED_HEAP_MB}`]);
  if (!cappedRun.ok) log(`  caqes run with its heap capped FAILED: ${cappedRun.error}`);
  await rm(drop.dir, { recursive: true, force: true });
  return { validate, run, cappedRun };
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

const fix = (n: number | null | undefined, digits: number): string => (n === null || n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(digits));
const kilo = (n: number | null | undefined): string => (n === null || n === undefined || !Number.isFinite(n) ? '-' : n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${(n / 1e3).toFixed(0)}k`);

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

interface Goal {
  goal: string;
  pass: boolean | null;
  detail: string;
}

function goals(results: SizeResult[]): Goal[] {
  const ok = results.filter((r) => r.ours.ok && r.ours.rssMb !== null);
  const smallest = ok[0];
  const largest = ok.at(-1);
  const out: Goal[] = [];
  if (smallest && largest && smallest !== largest) {
    const ratio = (largest.ours.rssMb as number) / (smallest.ours.rssMb as number);
    out.push({
      goal: 'peak RSS at the largest size within 1.2x the smallest size',
      pass: ratio <= 1.2,
      detail: `${fix(largest.ours.rssMb, 0)} MB at ${largest.rows} rows vs ${fix(smallest.ours.rssMb, 0)} MB at ${smallest.rows} rows: ${ratio.toFixed(2)}x`,
    });
  } else out.push({ goal: 'peak RSS at the largest size within 1.2x the smallest size', pass: null, detail: 'needs two sizes' });
  out.push({
    goal: 'peak RSS under 512 MB at the largest size',
    pass: largest ? (largest.ours.rssMb as number) < 512 : null,
    detail: largest ? `${fix(largest.ours.rssMb, 0)} MB at ${largest.rows} rows` : 'no run',
  });
  const withDuck = results.filter((r) => r.ours.ok && r.duckdb?.ok).at(-1);
  if (withDuck) {
    const ratio = (withDuck.ours.seconds as number) / (withDuck.duckdb?.seconds as number);
    out.push({
      goal: "ours within 2x DuckDB's single-thread time (largest size, DuckDB typed)",
      pass: ratio <= 2,
      detail: `${fix(withDuck.ours.seconds, 2)} s vs ${fix(withDuck.duckdb?.seconds, 2)} s at ${withDuck.rows} rows: ${ratio.toFixed(2)}x`,
    });
    const checks = results.flatMap((r) =>
      [
        ['typed', r.agreement],
        ['cast', r.agreementCast],
      ].flatMap(([variant, a]) => (a && typeof a === 'object' ? [{ rows: r.rows, variant: variant as string, agreement: a }] : [])),
    );
    out.push({
      goal: 'DuckDB and ours give the same aggregates (to the cent)',
      pass: checks.length > 0 ? checks.every((c) => c.agreement.agree) : null,
      detail: checks.map((c) => `${c.rows} ${c.variant}: ${c.agreement.agree ? 'same' : `${c.agreement.mismatches} mismatches`}`).join(', '),
    });
  } else out.push({ goal: "ours within 2x DuckDB's single-thread time (largest size)", pass: null, detail: 'DuckDB not run or failed' });
  const ran = results.filter((r) => r.dynamo);
  const dyn = ran.filter((r) => r.dynamo?.ok && r.dynamo.result?.status === 'accepted');
  if (ran.length > dyn.length) {
    out.push({
      goal: 'the pipeline accepts the extract (DynamoDB runs)',
      pass: false,
      detail: ran
        .filter((r) => !dyn.includes(r))
        .map((r) => `${r.rows}: ${r.dynamo?.ok ? `${String(r.dynamo.result?.status)} ${JSON.stringify(r.dynamo.result?.firstIssues ?? [])}` : 'failed'}`)
        .join('; '),
    });
  }
  if (dyn.length >= 2) {
    const first = dyn[0] as SizeResult;
    const last = dyn.at(-1) as SizeResult;
    const w0 = Number(first.dynamo?.result?.writes);
    const w1 = Number(last.dynamo?.result?.writes);
    const growth = w1 / w0;
    out.push({
      goal: 'DynamoDB writes grow with establishments, not rows',
      pass: growth <= 1.1,
      detail: `${w0} writes at ${first.rows} rows (${first.establishmentsWithRows} establishments), ${w1} at ${last.rows} rows (${last.establishmentsWithRows}): x${growth.toFixed(2)} for x${(last.rows / first.rows).toFixed(0)} rows`,
    });
  } else if (dyn.length === 1) {
    const r = dyn[0] as SizeResult;
    out.push({ goal: 'DynamoDB writes grow with establishments, not rows', pass: null, detail: `one size only: ${String(r.dynamo?.result?.writes)} writes for ${r.rows} rows, ${r.establishmentsWithRows} establishments` });
  }
  return out;
}

const ratio = (a: number | null | undefined, b: number | null | undefined): number | null => (a && b ? a / b : null);

/** The issue's targets for the commands, as ratios to DuckDB one thread in the same run (largest size of a kind). */
function commandGoals(results: SizeResult[]): Goal[] {
  const measured = results.filter((r) => r.run || r.validate);
  if (measured.length === 0) return [];
  const largest = measured.at(-1) as SizeResult;
  const duck = largest.duckdb?.ok ? largest.duckdb.seconds : null;
  const target = (goal: string, seconds: number | null | undefined, limit: number): Goal => {
    const x = ratio(seconds, duck);
    return { goal, pass: x === null ? null : x <= limit, detail: x === null ? 'not measured' : `${fix(seconds, 2)} s vs DuckDB ${fix(duck, 2)} s at ${largest.rows} rows: ${x.toFixed(2)}x` };
  };
  const out = [
    target("caqes run within 3x DuckDB's single thread (spawn to exit)", largest.run?.ok ? largest.run.wallSeconds : null, 3),
    target("caqes validate within 2x DuckDB's single thread (spawn to exit)", largest.validate?.ok ? largest.validate.wallSeconds : null, 2),
    target("the reader within 1.5x DuckDB's single thread", largest.ours.ok ? largest.ours.seconds : null, 1.5),
  ];
  const rss = largest.run?.ok ? largest.run.rssMb : null;
  out.push({ goal: 'caqes run peak RSS at most 512 MB at the largest size', pass: rss === null ? null : rss <= 512, detail: `${fix(rss, 0)} MB at ${largest.rows} rows` });
  const smallest = measured.find((r) => r.run?.ok);
  if (smallest && smallest !== largest && rss !== null) {
    const growth = (rss as number) / (smallest.run?.rssMb as number);
    out.push({ goal: "caqes run's peak RSS does not grow with the file (within 1.2x)", pass: growth <= 1.2, detail: `${fix(smallest.run?.rssMb, 0)} MB at ${smallest.rows} rows, ${fix(rss, 0)} MB at ${largest.rows}: ${growth.toFixed(2)}x` });
  }
  const capped = measured.filter((r) => r.cappedRun);
  if (capped.length > 0) {
    out.push({
      goal: `caqes run completes with its heap capped at ${CAPPED_HEAP_MB} MB at every size (the heap it needs does not grow with the file)`,
      pass: capped.every((r) => r.cappedRun?.ok),
      detail: capped.map((r) => `${r.rows}: ${r.cappedRun?.ok ? `${fix(r.cappedRun.wallSeconds, 2)} s, ${fix(r.cappedRun.rssMb, 0)} MB` : 'failed'}`).join(', '),
    });
  }
  const checked = results.filter((r) => r.agreementIngest);
  if (checked.length > 0) {
    out.push({
      goal: 'the facts the ingest handler stored give DuckDB’s aggregates (to the cent)',
      pass: checked.every((r) => r.agreementIngest?.agree),
      detail: checked.map((r) => `${r.rows}: ${r.agreementIngest?.agree ? 'same' : `${r.agreementIngest?.mismatches} mismatches`}`).join(', '),
    });
  }
  return out;
}

/** Row counts as the README writes them (1M, 3.5M, 100k). */
function size(rows: number): string {
  return rows >= 1e6 ? `${rows / 1e6}M` : `${rows / 1e3}k`;
}

/** The commands of every kind and size as a markdown table, ready for the README. */
function commandsMarkdown(results: SizeResult[]): string {
  const cell = (m: Measured | null, seconds: number | null | undefined, duck: number | null) => {
    if (!m) return '-';
    if (!m.ok) return 'FAIL';
    const x = ratio(seconds, duck);
    return `${fix(seconds, 2)} s${x === null ? '' : ` (${x.toFixed(2)}x)`}`;
  };
  const lines = [
    '| source | rows | MB | DuckDB 1 thread | reader (openCsv + readTabular) | `caqes validate` | ingest handler, local S3 | `caqes run` | `caqes run` peak RSS | reader RSS | same as DuckDB |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of results.filter((x) => x.run || x.validate)) {
    const duck = r.duckdb?.ok ? r.duckdb.seconds : null;
    const same = [r.agreement, r.agreementIngest].filter((a) => a !== null);
    lines.push(
      `| ${KIND_SHORT[r.kind]} | ${size(r.rows)} | ${fix(r.mb, 0)} | ${fix(duck, 2)} s | ${cell(r.ours, r.ours.seconds, duck)} | ${cell(r.validate, r.validate?.wallSeconds, duck)} | ${cell(r.dynamo, r.dynamo?.seconds, duck)} | ${cell(r.run, r.run?.wallSeconds, duck)} | ${fix(r.run?.rssMb, 0)} MB | ${fix(r.ours.rssMb, 0)} MB | ${same.length === 0 ? '-' : same.every((a) => a?.agree) ? 'yes, to the cent' : 'NO'} |`,
    );
  }
  return lines.join('\n');
}

const KIND_SHORT: Record<MeasuredKind, string> = { 'atih-mo': 'ATIH MO', 'fichcomp-med': 'FICHCOMP medicines', 'open-phmev': 'Open PHMEV' };

/** What each kind's extract is, as the report says it. */
const KIND_LABELS: Record<MeasuredKind, string> = {
  'atih-mo': 'ATIH MO extract (mo-*.csv)',
  'fichcomp-med': 'PMSI FICHCOMP medicines, one line per dispensation (fichcomp-med-*.csv)',
  'open-phmev': 'Open PHMEV as published (OPEN_PHMEV_<year>.CSV, 31 columns, 4 lines in 5 for the referential)',
};

function render(kind: MeasuredKind, results: SizeResult[], machine: Record<string, unknown>, options: Options, profile: ProfileSummary | null): string {
  const smallestRss = results.find((r) => r.ours.ok)?.ours.rssMb ?? null;
  const main = table(
    ['rows', 'MB', 'ours s', 'wall s', 'rows/s', 'MB/s', 'RSS MB', 'facts', 'bytes s', 'bytes RSS', 'DuckDB s', 'DuckDB RSS', 'ours/DuckDB', 'DuckDB cast s', 'RSS vs min', 'same?', 'writes', 'estab.'],
    results.map((r) => [
      String(r.rows),
      fix(r.mb, 1),
      r.ours.ok ? fix(r.ours.seconds, 2) : 'FAIL',
      fix(r.ours.wallSeconds, 2),
      kilo(r.ours.rowsPerSecond),
      fix(r.ours.mbPerSecond, 1),
      fix(r.ours.rssMb, 0),
      r.ours.ok ? `${String(r.ours.result?.facts)}/${String(r.ours.result?.establishmentYears)}` : '-',
      r.bytesOnly.ok ? fix(r.bytesOnly.seconds, 2) : 'FAIL',
      fix(r.bytesOnly.rssMb, 0),
      r.duckdb ? (r.duckdb.ok ? fix(r.duckdb.seconds, 2) : 'FAIL') : '-',
      fix(r.duckdb?.rssMb, 0),
      r.duckdb?.ok && r.ours.ok ? `${((r.ours.seconds as number) / (r.duckdb.seconds as number)).toFixed(2)}x` : '-',
      r.duckdbCast ? (r.duckdbCast.ok ? fix(r.duckdbCast.seconds, 2) : 'FAIL') : '-',
      smallestRss && r.ours.rssMb ? `${(r.ours.rssMb / smallestRss).toFixed(2)}x` : '-',
      r.agreement || r.agreementCast ? ([r.agreement, r.agreementCast].every((a) => a === null || a.agree) ? 'yes' : 'NO') : '-',
      r.dynamo ? (r.dynamo.ok ? String(r.dynamo.result?.writes) : 'FAIL') : '-',
      String(r.establishmentsWithRows),
    ]),
  );
  const dynamoRows = results.filter((r) => r.dynamo);
  const dynamo =
    dynamoRows.length === 0
      ? ''
      : `\nDynamoDB writes while the extract is ingested and computed (embedded emulators; referential loaded before):\n${table(
          ['rows', 'estab.', 'status', 'rows read', 'MO facts', 'write items', 'write requests', 'writes/estab.', 'writes/1k rows', 'by item type', 'ingest+compute s', 'upload s'],
          dynamoRows.map((r) => {
            const d = r.dynamo?.result ?? {};
            const writes = Number(d.writes);
            return r.dynamo?.ok
              ? [
                  String(r.rows),
                  String(r.establishmentsWithRows),
                  String(d.status),
                  String(d.rowsRead),
                  String(d.moFactsStored),
                  String(writes),
                  String(d.writeRequests),
                  (writes / r.establishmentsWithRows).toFixed(1),
                  ((writes / r.rows) * 1000).toFixed(2),
                  Object.entries((d.writesByItem ?? {}) as Record<string, number>)
                    .sort((a, b) => b[1] - a[1])
                    .map(([k, v]) => `${k} ${v}`)
                    .join(', '),
                  fix(Number(d.seconds), 1),
                  fix(Number(d.uploadSeconds), 1),
                ]
              : [String(r.rows), String(r.establishmentsWithRows), 'FAIL', '-', '-', '-', '-', '-', '-', (r.dynamo?.error ?? '').split('\n')[0]?.slice(0, 100) ?? '', '-', '-'];
          }),
        )}`;
  const duck = results.find((r) => r.duckdb?.ok)?.duckdb;
  const notes = [
    `machine: ${String(machine.cpu)}, ${String(machine.cores)} cores, ${String(machine.memoryGb)} GB, Node ${String(machine.node)}, ${String(machine.platform)}; load average ${String(machine.loadAtStart)} at start, ${String(machine.loadAtEnd)} at end`,
    `extract: ${KIND_LABELS[kind]}, ${options.encoding}, ';', CRLF, decimal comma, seed ${options.seed}, ${options.establishments} establishments, year ${options.year}; runs per reader: ${options.runs} (median); children: ${options.runner === 'bundle' ? 'bundled by esbuild' : 'tsx'}; ours splits records with ${options.parser === 'auto' ? 'the quote-free scan (papaparse from a quoted field on)' : 'papaparse (the reference path)'}; Node flags for ours: ${options.nodeFlags.join(' ') || 'none'}`,
    `code measured: ${String(machine.code)}`,
    `ours s, bytes s, DuckDB s: each child's own time for the work; wall s: ours from spawn to exit (start-up included); RSS: the child's peak (process.resourceUsage().maxRSS)`,
    `facts: ours' aggregates, establishment-months / establishment-years; writes: DynamoDB write items during the extract's ingest and compute; estab.: establishments with rows`,
  ];
  if (duck) {
    notes.push(
      `DuckDB ${String(duck.result?.duckdbVersion)}, threads=${String(duck.result?.threads)}; DuckDB s: nb_ucd and montant read as DECIMAL with decimal_separator=','; DuckDB cast s: read as VARCHAR, CAST(replace(x, ',', '.') AS DECIMAL) in the query`,
      `DuckDB encoding: ${duck.encodingUsed}` +
        (duck.latin1Refusal ? `; encoding='latin-1' on the Windows-1252 file refused: "${duck.latin1Refusal}"` : ''),
    );
    const copies = results.filter((r) => r.duckdb?.utf8CopySeconds).map((r) => `${r.rows}: ${fix(r.duckdb?.utf8CopySeconds, 2)} s`);
    if (copies.length > 0) notes.push(`transcoding to that UTF-8 copy (iconv-lite stream, not counted in DuckDB's time): ${copies.join(', ')}`);
  }
  for (const r of results) {
    for (const [variant, a] of [['typed', r.agreement], ['cast', r.agreementCast]] as const) {
      if (a && !a.agree) notes.push(`MISMATCH with DuckDB (${variant}) at ${r.rows} rows: ${a.mismatches} establishment-years differ, e.g. ${a.examples.join('; ')}`);
    }
    if (r.ours.ok && Number(r.ours.result?.errors) > 0) notes.push(`ours refused the ${r.rows}-row file: ${JSON.stringify(r.ours.result?.firstIssues)}`);
    for (const [name, m] of [['ours', r.ours], ['bytes only', r.bytesOnly], ['DuckDB', r.duckdb], ['DuckDB cast', r.duckdbCast], ['DynamoDB', r.dynamo]] as const) {
      if (m && !m.ok) notes.push(`${name} failed at ${r.rows} rows: ${m.error}`);
    }
  }
  const goalLines = [...goals(results), ...commandGoals(results)].map((g) => `  [${g.pass === null ? 'n/a' : g.pass ? 'PASS' : 'FAIL'}] ${g.goal}: ${g.detail}`);
  let prof = '';
  if (profile) {
    prof = `\nWhere ours spends its time (${relative(ROOT, profile.file)}, ${profile.totalMs} ms sampled, self time; builtins charged to their caller):\n${table(
      ['part', 'ms', '%'],
      profile.byPart.map((p) => [p.part, fix(p.ms, 0), fix(p.share, 1)]),
    )}\n\nTop functions (self time):\n${table(
      ['function', 'where', 'part', 'ms', '%'],
      profile.topFunctions.map((f) => [f.fn, f.where, f.part, fix(f.ms, 0), fix(f.share, 1)]),
    )}`;
  }
  return [`\n${KIND_LABELS[kind]}: ours (openCsv + readTabular) vs bytes only vs DuckDB (1 thread)\n`, main, dynamo, '', 'Goals:', ...goalLines, '', ...notes, prof].join('\n');
}

interface CommandProfile {
  command: 'validate' | 'run';
  rows: number;
  summary: ProfileSummary;
}

/**
 * `caqes validate` and `caqes run` once each under `--cpu-prof` on the ATIH extract of `rows` rows:
 * where the commands spend their time (the main thread's profile; tsx's loader thread apart).
 */
async function profileCommands(rows: number, options: Options, referential: string): Promise<CommandProfile[]> {
  const extract = await extractFor('atih-mo', rows, { ...options, duckdb: false });
  const drop = await dropFolder('atih-mo', extract.path, referential, options);
  const out: CommandProfile[] = [];
  const commands = {
    validate: ['validate', drop.extract],
    run: ['run', '--data', drop.dir, '--today', options.today, '--out', `${drop.dir}-out`],
  } as const;
  for (const [command, args] of Object.entries(commands) as ['validate' | 'run', readonly string[]][]) {
    log(`\n== profile of caqes ${command} on ${rows} rows (node --cpu-prof)…`);
    const dir = join(options.dir, 'profiles', `caqes-${command}-${rows}`);
    await rm(dir, { recursive: true, force: true });
    const run = await runChild('command', ['--label', command, '--', ...args], options, ['--cpu-prof', '--cpu-prof-dir', dir]);
    // One file per thread, named CPU.<date>.<time>.<pid>.<thread>.<n>.cpuprofile: the main thread is 0.
    const main = (await readdir(dir).catch(() => [] as string[])).find((f) => /\.0\.\d+\.cpuprofile$/.test(f));
    if (run.ok && main) out.push({ command, rows, summary: await summariseProfile(join(dir, main), 20) });
    else log(`  profile FAILED: ${run.error ?? 'no profile of the main thread'}`);
  }
  await rm(drop.dir, { recursive: true, force: true });
  return out;
}

function renderCommandProfile(p: CommandProfile): string {
  const { summary } = p;
  return `\nWhere caqes ${p.command} spends its time on ${p.rows} rows (${relative(ROOT, summary.file)}, main thread, ${summary.totalMs} ms sampled, self time; builtins charged to their caller):\n${table(
    ['part', 'ms', '%'],
    summary.byPart.map((x) => [x.part, fix(x.ms, 0), fix(x.share, 1)]),
  )}\n\nTop functions (self time):\n${table(
    ['function', 'where', 'part', 'ms', '%'],
    summary.topFunctions.map((f) => [f.fn, f.where, f.part, fix(f.ms, 0), fix(f.share, 1)]),
  )}`;
}

/** Which code was measured: the commit, and how many files of the measured path differ from it. */
function codeState(): { commit: string | null; uncommitted: string[]; summary: string } {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const uncommitted = execFileSync('git', ['status', '--porcelain', '--', 'lib', 'functions'], { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((l) => l.slice(3));
    return { commit, uncommitted, summary: uncommitted.length === 0 ? `commit ${commit}` : `commit ${commit} + ${uncommitted.length} uncommitted files under lib/ and functions/` };
  } catch {
    return { commit: null, uncommitted: [], summary: 'not a git checkout' };
  }
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  let options: Options | null;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(String((error as Error).message));
    console.error(USAGE);
    return 2;
  }
  if (!options) {
    console.log(USAGE);
    return 0;
  }
  const started = performance.now();
  const cpuList = cpus();
  const machine = {
    cpu: cpuList[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    logicalCpus: cpuList.length,
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${platform()} ${arch()} ${release()}`,
    /** 1-minute load average when the run started: other work on the machine skews the times. */
    loadAtStart: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    loadAtEnd: null as number | null,
  };
  const code = codeState();
  log(`machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; code: ${code.summary}`);
  await mkdir(options.dir, { recursive: true });
  if (options.runner === 'bundle') await bundleWorkers(options.dir);
  const referential = await referentialFor(options);

  const results: SizeResult[] = [];
  for (const kind of options.kinds) for (const rows of options.sizes[kind]) results.push(await benchSize(kind, rows, options, referential));
  const ofKind = options.kinds.map((kind) => ({ kind, results: results.filter((r) => r.kind === kind) }));

  let profile: ProfileSummary | null = null;
  let commandProfiles: CommandProfile[] = [];
  if (options.profile !== null) {
    const rows = options.profile;
    log(`\n== profile of ours on ${rows} rows (node --cpu-prof)…`);
    const extract = await extractFor('atih-mo', rows, { ...options, duckdb: false });
    const profDir = join(options.dir, 'profiles');
    const name = `ours-${rows}-${options.runner}.cpuprofile`;
    const run = await runChild(
      'ours',
      oursArgs('atih-mo', extract.path, options),
      options,
      [...options.nodeFlags, '--cpu-prof', '--cpu-prof-dir', profDir, '--cpu-prof-name', name],
    );
    if (run.ok) profile = await summariseProfile(join(profDir, name));
    else log(`  profile FAILED: ${run.error}`);
    if (options.commands) commandProfiles = await profileCommands(rows, options, referential);
  }

  machine.loadAtEnd = Math.round((loadavg()[0] ?? 0) * 100) / 100;
  const text = ofKind.map((k, i) => render(k.kind, k.results, { ...machine, code: code.summary }, options, i === 0 ? profile : null)).join('\n\n');
  console.log(text);
  for (const p of commandProfiles) console.log(renderCommandProfile(p));
  if (options.commands) console.log(`\nThe commands end to end (seconds; in brackets, the ratio to DuckDB one thread in the same run; commands from spawn to exit):\n\n${commandsMarkdown(results)}`);
  const json = {
    generatedAt: new Date().toISOString(),
    totalSeconds: (performance.now() - started) / 1000,
    machine,
    code,
    options: { ...options, dir: relative(ROOT, options.dir), out: relative(ROOT, options.out) },
    goals: ofKind.flatMap((k) => [...goals(k.results), ...commandGoals(k.results)].map((g) => ({ kind: k.kind, ...g }))),
    results,
    profile,
    commandProfiles,
  };
  await mkdir(dirname(options.out), { recursive: true });
  await writeFile(options.out, `${JSON.stringify(json, null, 2)}\n`);
  log(`\nwritten ${relative(ROOT, options.out)} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return 0;
}

process.exitCode = await main();
