// The command's sources bundled once by esbuild and kept until one of them changes: through tsx,
// every one of the command's few hundred modules, and every file of the AWS SDK it imports, went
// through tsx's loader hooks at each start (about a second of `caqes run`, `caqes validate`).
// The npm packages are bundled too, but for those listed in EXTERNAL: loaded by Node, the thousand
// CommonJS files of the emulators, the AWS SDK and exceljs cost about half a second of every start
// (resolving, reading, wrapping each one). Each command's modules are their own chunk, loaded when
// it runs, as `lib/cli/main.ts` imports them.
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const MANIFEST = 'current.json';
/**
 * Worker threads the command starts, bundled beside it: the second half of a large extract read at
 * once (lib/formats/halves.ts), which loads in a tenth of a second bundled, half a second through tsx.
 */
const WORKERS = { 'second-half': 'lib/formats/second-half-worker.ts' };
/** This file: a build made by another version of it (other options) is not current. */
const SELF = fileURLToPath(import.meta.url);
/** Builds no longer current are removed after this long: a command started before still loads its chunks. */
const STALE_BUILD_MS = 24 * 60 * 60 * 1000;
/**
 * Packages left to Node, each for a reason the bundle cannot follow: native code (level's
 * classic-level, esbuild, DuckDB), files read beside their own sources or required by computed
 * paths (dynalite: its actions, its TLS files; playwright-core), or the loader itself (tsx). Only
 * packages the project depends on directly: Node resolves an external from the bundle's folder, which
 * sees the top-level copy of a package, not one nested under another package.
 */
export const EXTERNAL = ['dynalite', 'level', 'esbuild', 'playwright-core', '@duckdb/node-api', 'tsx'];
/**
 * What says which versions of the bundled packages are installed: npm rewrites both at every change
 * of node_modules (install, update, ci). Their files are not checked one by one: a few thousand stats
 * at each start.
 */
const LOCK_FILES = ['package-lock.json', 'node_modules/.package-lock.json'];
/**
 * A CommonJS package bundled into an ES module asks for Node's modules through `require`, which an ES
 * module does not have. Aliased: a bundled module may declare its own `createRequire`.
 */
const REQUIRE_BANNER = "import { createRequire as __caqesCreateRequire } from 'node:module'; const require = __caqesCreateRequire(import.meta.url);";

async function sameFile(root, [path, mtimeMs, size]) {
  try {
    const s = await stat(join(root, path));
    return s.mtimeMs === mtimeMs && s.size === size;
  } catch {
    return false;
  }
}

/** The current build when every source it was made of is unchanged, else null. */
async function currentBuild(root, cacheDir) {
  let manifest;
  try {
    manifest = JSON.parse(await readFile(join(cacheDir, MANIFEST), 'utf8'));
  } catch {
    return null;
  }
  // Worktrees of one repository may share node_modules, and so this folder.
  if (manifest.root !== root) return null;
  const entry = join(cacheDir, manifest.dir, 'main.mjs');
  const checks = await Promise.all([
    stat(entry).then(() => true, () => false),
    sameFile('/', [SELF, ...(manifest.builder ?? [])]),
    ...manifest.inputs.map((input) => sameFile(root, input)),
  ]);
  return checks.every(Boolean) ? entry : null;
}

/**
 * `import.meta.url` as the source file's own URL, so that a module finding files beside it (the
 * portal's assets) finds them from the bundle as from its source.
 */
const sourceUrls = {
  name: 'source-urls',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async ({ path }) => {
      const text = await readFile(path, 'utf8');
      const contents = text.includes('import.meta.url') ? text.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(path).href)) : text;
      return { contents, loader: 'ts' };
    });
  },
};

async function removeStaleBuilds(cacheDir, keep) {
  for (const name of await readdir(cacheDir)) {
    // A build folder, or a manifest being written, left by a command killed meanwhile or replaced since.
    if (!(name.startsWith('build-') || name.startsWith(`${MANIFEST}.`)) || name === keep) continue;
    const dir = join(cacheDir, name);
    const { mtimeMs } = await stat(dir);
    if (Date.now() - mtimeMs > STALE_BUILD_MS) await rm(dir, { recursive: true, force: true });
  }
}

/** The workers `root` holds (a checkout from before them has none). */
async function workerEntries(root) {
  const entries = {};
  for (const [name, path] of Object.entries(WORKERS)) {
    if (await stat(join(root, path)).then(() => true, () => false)) entries[name] = resolve(root, path);
  }
  return entries;
}

/** Bundles `entry` into a new build folder, then makes it the current one (two commands may build at once). */
async function buildNow(root, entry, cacheDir) {
  const { build } = await import('esbuild');
  const dir = `build-${process.pid}-${Date.now()}`;
  const outdir = join(cacheDir, dir);
  const result = await build({
    entryPoints: { main: resolve(root, entry), ...(await workerEntries(root)) },
    bundle: true,
    splitting: true,
    absWorkingDir: root,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: EXTERNAL,
    // The packages' ES builds where they have one, as the Lambdas are bundled (infra/functions.ts):
    // only the AWS SDK commands the sources use are kept, not every command of each client.
    mainFields: ['module', 'main'],
    banner: { js: REQUIRE_BANNER },
    // Bundling renames classes and functions whose names two modules share; their `name` (an error's
    // name in a message or a log, a stack trace) stays the one their package gave them.
    keepNames: true,
    outdir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    sourcemap: 'linked',
    // The maps point at the sources on disk rather than holding them: 24 MB a build with, 11 MB without.
    sourcesContent: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [sourceUrls],
  });
  const sources = Object.keys(result.metafile.inputs).filter((path) => !path.includes('node_modules/'));
  const locks = [];
  for (const path of LOCK_FILES) if (await stat(join(root, path)).then(() => true, () => false)) locks.push(path);
  const inputs = await Promise.all(
    [...sources, ...locks].map(async (path) => {
      const s = await stat(join(root, path));
      return [path, s.mtimeMs, s.size];
    }),
  );
  const self = await stat(SELF);
  const manifest = join(cacheDir, `${MANIFEST}.${process.pid}`);
  await writeFile(manifest, JSON.stringify({ root, dir, builder: [self.mtimeMs, self.size], inputs }));
  await rename(manifest, join(cacheDir, MANIFEST));
  await removeStaleBuilds(cacheDir, dir).catch(() => undefined);
  return join(outdir, 'main.mjs');
}

/**
 * The bundle of `entry` (relative to `root`), built again when a source it holds changed.
 *
 * @returns the path of the bundle's entry module, or null when it cannot be built here (no esbuild,
 * a read-only folder): the caller then runs the sources through tsx.
 */
export async function bundledEntry({ root, entry, cacheDir }) {
  try {
    const current = await currentBuild(root, cacheDir);
    if (current) return current;
    await mkdir(cacheDir, { recursive: true });
    return await buildNow(root, entry, cacheDir);
  } catch {
    return null;
  }
}

/** The checkout this file belongs to. */
const CHECKOUT = fileURLToPath(new URL('..', import.meta.url));

/**
 * The command's `main` (lib/cli/main.ts of `root`), from its bundle, else from the sources of this
 * checkout through tsx: what `npx caqes` runs, and what the benchmark times.
 */
export async function loadMain(root = CHECKOUT) {
  const bundle = await commandBundle(root);
  // Stack traces name the bundle's chunks (names kept); NODE_OPTIONS=--enable-source-maps maps them
  // to the sources, at a cost at every start that a user's command need not pay. Imported as a URL:
  // import() reads a path as one, and a folder named with `%2B` would be another.
  if (bundle) {
    const command = await import(pathToFileURL(bundle).href);
    command.useSecondHalfWorker?.(new URL('second-half.mjs', pathToFileURL(bundle)));
    return command.main;
  }
  const { register } = await import('tsx/esm/api');
  register();
  return (await import('../lib/cli/main.ts')).main;
}

/**
 * Where the builds of `root` are kept: a folder per checkout, since worktrees may share one
 * node_modules. With one folder for all, each checkout's command found the other's build current
 * and built again, a few seconds each time.
 */
export function commandCacheDir(root = CHECKOUT) {
  const checkout = createHash('sha256').update(resolve(root)).digest('hex').slice(0, 16);
  return join(root, 'node_modules', '.cache', 'caqes-cli', checkout);
}

/** The bundle of `caqes` (lib/cli/main.ts) in `root`, built when missing or stale; null as bundledEntry. */
export function commandBundle(root = CHECKOUT) {
  return bundledEntry({ root, entry: 'lib/cli/main.ts', cacheDir: commandCacheDir(root) });
}
