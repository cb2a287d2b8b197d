/**
 * The pages' scripts: each `lib/portal/web/<name>.ts` bundled by esbuild (the bundler of the Lambdas)
 * into one browser script, served under the name the pages have always loaded (`common.js`,
 * `depot.js`…). Locally they are built from source on first request; for AWS the stack builds them
 * at synth (`build-page-scripts.ts`) beside the API's bundle, which never bundles at run time.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
// Aliased: the API's Lambda bundle declares its own `createRequire` in its banner (infra/caqes-stack.ts).
import { createRequire as requireFrom } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as Esbuild from 'esbuild';

/** The scripts, in the order the pages load them (common first, then session and the report's view). */
export const PAGE_SCRIPTS = ['common', 'session', 'rapport', 'depot', 'omedit', 'suivi', 'rapports', 'admin', 'fichiers'] as const;
export type PageScript = (typeof PAGE_SCRIPTS)[number];

/** Where the scripts' sources are, beside this module (absent from the deployed function). */
export const PAGE_SOURCES = fileURLToPath(new URL('./web/', import.meta.url));

/**
 * Every page script, bundled: file name (`depot.js`) to its text. An IIFE per page for browsers of
 * 2020 on; a node module imported by mistake fails the build (platform `browser`).
 * @throws Error with esbuild's messages when a script does not build.
 */
export function buildPageScripts(): Map<string, string> {
  // Required when called, never imported: esbuild is a devDependency and must stay out of the API's bundle.
  const esbuild = requireFrom(import.meta.url)('esbuild') as typeof Esbuild;
  const result = esbuild.buildSync({
    entryPoints: PAGE_SCRIPTS.map((name) => ({ in: path.join(PAGE_SOURCES, `${name}.ts`), out: name })),
    outdir: 'page-scripts',
    write: false,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2020'],
    charset: 'utf8',
    legalComments: 'none',
    logLevel: 'silent',
  });
  return new Map(result.outputFiles.map((file) => [path.basename(file.path), file.text]));
}

/** Writes every page script into `dir` (the deployed function's `assets/`); returns the names written. */
export function writePageScripts(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const scripts = buildPageScripts();
  for (const [name, text] of scripts) writeFileSync(path.join(dir, name), text);
  return [...scripts.keys()];
}
