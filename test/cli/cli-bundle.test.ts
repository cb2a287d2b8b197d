/**
 * Issue 21: `npx caqes` runs its sources bundled once by esbuild (bin/cli-bundle.mjs) rather than
 * through tsx at every start; the bundle must behave as the sources do and follow their changes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, symlink, writeFile, mkdir, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bundledEntry as bundle, commandBundle, commandCacheDir } from '../../bin/cli-bundle.mjs';

let root: string;
let cacheDir: string;

/** Runs the bundle's `main` in a Node process of its own, as bin/caqes.mjs does: what it returns, as text. */
function runMain(entry: string): string {
  const script = `const { main } = await import(${JSON.stringify(pathToFileURL(entry).href)}); process.stdout.write(String(await main()));`;
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'caqes-bundle-'));
  cacheDir = join(root, 'node_modules', '.cache', 'caqes-cli');
  await mkdir(join(root, 'src'));
  await writeFile(join(root, 'src', 'rate.ts'), 'export const rate: number = 15;\n');
  await writeFile(join(root, 'src', 'label.txt'), 'taux cible');
  await writeFile(join(root, 'src', 'lazy.ts'), "export const lazy = 'chargé à la demande';\n");
  await writeFile(
    join(root, 'src', 'main.ts'),
    [
      "import { readFileSync } from 'node:fs';",
      "import { rate } from './rate';",
      'export async function main(): Promise<string> {',
      "  const { lazy } = await import('./lazy');",
      "  const label = readFileSync(new URL('./label.txt', import.meta.url), 'utf8');",
      "  return `${label} ${rate} % ${lazy}`;",
      '}',
      '',
    ].join('\n'),
  );
});

/** A package of `dir`'s node_modules: CommonJS, as the emulators and most of the AWS SDK's are. */
async function writePackage(dir: string, name: string, source: string): Promise<void> {
  await mkdir(join(dir, 'node_modules', name), { recursive: true });
  await writeFile(join(dir, 'node_modules', name, 'package.json'), JSON.stringify({ name, version: '1.0.0', main: 'index.js' }));
  await writeFile(join(dir, 'node_modules', name, 'index.js'), source);
}

/** A `main` that says what a package gives: `label` of `name`. */
async function writeMainUsing(name: string): Promise<void> {
  await writeFile(
    join(root, 'src', 'main.ts'),
    `import { label } from '${name}';\nexport async function main(): Promise<string> {\n  return label;\n}\n`,
  );
}

/** The text of every chunk of a build. */
async function buildText(entry: string): Promise<string> {
  const dir = join(entry, '..');
  const chunks = await readdir(join(dir, 'chunks')).catch(() => []);
  const texts = await Promise.all([entry, ...chunks.filter((c) => c.endsWith('.mjs')).map((c) => join(dir, 'chunks', c))].map((f) => readFile(f, 'utf8')));
  return texts.join('\n');
}

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('the command bundled once (bin/cli-bundle.mjs)', () => {
  it('runs as the sources do: imports, a module loaded when asked, a file found beside its source', async () => {
    const entry = await bundle({ root, entry: 'src/main.ts', cacheDir });
    expect(entry).not.toBeNull();
    expect(entry!.startsWith(cacheDir)).toBe(true);
    expect(runMain(entry!)).toBe('taux cible 15 % chargé à la demande');
  });

  it('is built once: the next start finds it unchanged', async () => {
    const first = await bundle({ root, entry: 'src/main.ts', cacheDir });
    const manifest = await readFile(join(cacheDir, 'current.json'), 'utf8');
    const second = await bundle({ root, entry: 'src/main.ts', cacheDir });
    expect(second).toBe(first);
    expect(await readFile(join(cacheDir, 'current.json'), 'utf8')).toBe(manifest);
  });

  it('is built again when a source it holds changes, even to the same size', async () => {
    const first = await bundle({ root, entry: 'src/main.ts', cacheDir });
    await writeFile(join(root, 'src', 'rate.ts'), 'export const rate: number = 20;\n');
    // Same length as before: only its modification time tells the change.
    const later = new Date(Date.now() + 5_000);
    await utimes(join(root, 'src', 'rate.ts'), later, later);
    const second = await bundle({ root, entry: 'src/main.ts', cacheDir });
    expect(second).not.toBe(first);
    expect(runMain(second!)).toBe('taux cible 20 % chargé à la demande');
    // The previous build stays for a command started before, which may still load its chunks.
    expect(runMain(first!)).toBe('taux cible 15 % chargé à la demande');
  });

  it('is built again when made by another version of the bundler (its options may have changed)', async () => {
    const first = await bundle({ root, entry: 'src/main.ts', cacheDir });
    const path = join(cacheDir, 'current.json');
    const manifest = JSON.parse(await readFile(path, 'utf8')) as { builder: number[] };
    await writeFile(path, JSON.stringify({ ...manifest, builder: [0, 0] }));
    const second = await bundle({ root, entry: 'src/main.ts', cacheDir });
    expect(second).not.toBe(first);
    expect(runMain(second!)).toBe('taux cible 15 % chargé à la demande');
  });

  it('is not taken from another checkout sharing the same cache folder (worktrees sharing node_modules)', async () => {
    const other = await mkdtemp(join(tmpdir(), 'caqes-bundle-other-'));
    try {
      await mkdir(join(other, 'src'));
      for (const name of ['main.ts', 'label.txt', 'lazy.ts']) await writeFile(join(other, 'src', name), await readFile(join(root, 'src', name)));
      await writeFile(join(other, 'src', 'rate.ts'), 'export const rate: number = 30;\n');
      // Same sizes and times in both checkouts: only the checkout itself tells them apart.
      const when = new Date('2026-01-05T08:00:00Z');
      for (const dir of [root, other]) for (const name of ['main.ts', 'label.txt', 'lazy.ts', 'rate.ts']) await utimes(join(dir, 'src', name), when, when);
      await bundle({ root, entry: 'src/main.ts', cacheDir });
      const theirs = await bundle({ root: other, entry: 'src/main.ts', cacheDir });
      expect(runMain(theirs!)).toBe('taux cible 30 % chargé à la demande');
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('runs the command from a checkout whose path holds a space, an accent and `%2B`', async () => {
    const odd = await mkdtemp(join(tmpdir(), 'caqes dépôt %2B '));
    try {
      await mkdir(join(odd, 'lib', 'cli'), { recursive: true });
      await writeFile(join(odd, 'lib', 'cli', 'main.ts'), 'export async function main(argv: string[]): Promise<number> {\n  return argv.length + 40;\n}\n');
      const script = [
        `import { loadMain } from ${JSON.stringify(pathToFileURL(join(process.cwd(), 'bin', 'cli-bundle.mjs')).href)};`,
        `const main = await loadMain(${JSON.stringify(odd)});`,
        "process.stdout.write(String(await main(['a', 'b'])));",
      ].join('\n');
      expect(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })).toBe('42');
    } finally {
      await rm(odd, { recursive: true, force: true });
    }
  });

  it('gives no bundle when the sources cannot be built, so that tsx reports the error', async () => {
    await writeFile(join(root, 'src', 'rate.ts'), 'export const rate: number = ;\n');
    expect(await bundle({ root, entry: 'src/main.ts', cacheDir })).toBeNull();
  });

  it('holds the npm packages it uses, CommonJS ones asking for Node modules included: they are not looked up at start', async () => {
    await writePackage(root, 'taux-cjs', "const { format } = require('node:util');\nexports.label = format('taux cible %d %%', 15);\n");
    await writeMainUsing('taux-cjs');
    const entry = await bundle({ root, entry: 'src/main.ts', cacheDir });
    expect(await buildText(entry!)).not.toMatch(/["']taux-cjs["']/);
    // Gone from node_modules, the package is still in the bundle.
    await rm(join(root, 'node_modules', 'taux-cjs'), { recursive: true });
    expect(runMain(entry!)).toBe('taux cible 15 %');
  });

  it('leaves to Node the packages that cannot be bundled (dynalite: computed requires, files beside its sources)', async () => {
    await writePackage(root, 'dynalite', "exports.label = 'émulateur chargé par Node';\n");
    await writeMainUsing('dynalite');
    const entry = await bundle({ root, entry: 'src/main.ts', cacheDir });
    expect(await buildText(entry!)).toMatch(/from "dynalite"/);
    expect(runMain(entry!)).toBe('émulateur chargé par Node');
  });

  it('is built again when the installed packages change (package-lock.json), even to the same size', async () => {
    await writePackage(root, 'taux-cjs', "exports.label = 'version 1';\n");
    await writeFile(join(root, 'package-lock.json'), '{"lockfileVersion":3,"v":1}');
    await writeMainUsing('taux-cjs');
    const first = await bundle({ root, entry: 'src/main.ts', cacheDir });
    await writePackage(root, 'taux-cjs', "exports.label = 'version 2';\n");
    await writeFile(join(root, 'package-lock.json'), '{"lockfileVersion":3,"v":2}');
    const later = new Date(Date.now() + 5_000);
    await utimes(join(root, 'package-lock.json'), later, later);
    const second = await bundle({ root, entry: 'src/main.ts', cacheDir });
    expect(second).not.toBe(first);
    expect(runMain(second!)).toBe('version 2');
  });

  it('keeps a build per checkout: two worktrees sharing node_modules do not build again each after the other', async () => {
    const other = await mkdtemp(join(tmpdir(), 'caqes-bundle-worktree-'));
    try {
      await mkdir(join(root, 'node_modules'), { recursive: true });
      await symlink(join(root, 'node_modules'), join(other, 'node_modules'));
      for (const [dir, value] of [[root, 41], [other, 43]] as const) {
        await mkdir(join(dir, 'lib', 'cli'), { recursive: true });
        await writeFile(join(dir, 'lib', 'cli', 'main.ts'), `export async function main(): Promise<number> {\n  return ${value};\n}\n`);
      }
      expect(commandCacheDir(other)).not.toBe(commandCacheDir(root));
      const ours = await commandBundle(root);
      const theirs = await commandBundle(other);
      expect(runMain(theirs!)).toBe('43');
      expect(await commandBundle(root)).toBe(ours);
      expect(await commandBundle(other)).toBe(theirs);
      expect(runMain(ours!)).toBe('41');
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('keeps the names packages give their classes, even where two modules of the bundle use the same one', async () => {
    // ES modules: the bundle puts both classes in one scope, where one of them must be renamed.
    for (const name of ['erreur-a', 'erreur-b']) {
      await mkdir(join(root, 'node_modules', name), { recursive: true });
      await writeFile(join(root, 'node_modules', name, 'package.json'), JSON.stringify({ name, version: '1.0.0', type: 'module', main: 'index.js' }));
      await writeFile(join(root, 'node_modules', name, 'index.js'), 'class DepotError extends Error {}\nexport const make = () => new DepotError();\n');
    }
    await writeFile(
      join(root, 'src', 'main.ts'),
      "import { make as a } from 'erreur-a';\nimport { make as b } from 'erreur-b';\nexport async function main(): Promise<string> {\n  return `${a().constructor.name} ${b().constructor.name}`;\n}\n",
    );
    const entry = await bundle({ root, entry: 'src/main.ts', cacheDir });
    expect(runMain(entry!)).toBe('DepotError DepotError');
  });
});
