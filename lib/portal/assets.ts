/**
 * The pages' files. HTML and CSS are read from the `assets/` folder beside this module: in the
 * repository `lib/portal/assets/`, in the deployed function the `assets/` folder the stack copies
 * next to the bundle (infra/functions.ts), the same relative place. The scripts are TypeScript
 * (`lib/portal/web/`) bundled by esbuild (`page-scripts.ts`): from source on first request where the
 * sources are (this machine, `caqes serve`, the tests), else read from `assets/`, where the stack
 * wrote them at synth.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildPageScripts, PAGE_SOURCES } from './page-scripts';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
};

/** The files served, by name: nothing else in the folder, and no path, can be asked for. */
export const ASSET_NAMES = ['depot.html', 'omedit.html', 'fichiers.html', 'fichiers.js', 'portal.css', 'common.js', 'depot.js', 'omedit.js', 'session.js', 'admin.js', 'rapport.js', 'rapports.js', 'suivi.js'] as const;
export type AssetName = (typeof ASSET_NAMES)[number];

const cache = new Map<AssetName, string>();

/** Whether a name is one of the assets served. */
export function isAssetName(name: string): name is AssetName {
  return (ASSET_NAMES as readonly string[]).includes(name);
}

/** Every script bundled from source at once (one esbuild run), or null where the sources are not (AWS). */
function scriptsFromSource(): Map<string, string> | null {
  return existsSync(path.join(PAGE_SOURCES, 'common.ts')) ? buildPageScripts() : null;
}

function load(name: AssetName): string {
  if (name.endsWith('.js')) {
    const built = scriptsFromSource();
    if (built) {
      for (const [script, text] of built) if (isAssetName(script)) cache.set(script, text);
      const text = built.get(name);
      if (text === undefined) throw new Error(`script de page sans source : ${name}`);
      return text;
    }
  }
  return readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8');
}

/**
 * An asset's text and content type, read (or built) once per process.
 * @example readAsset('portal.css').contentType // 'text/css; charset=utf-8'
 */
export function readAsset(name: AssetName): { body: string; contentType: string } {
  let body = cache.get(name);
  if (body === undefined) {
    body = load(name);
    cache.set(name, body);
  }
  return { body, contentType: CONTENT_TYPES[name.split('.').pop()!]! };
}
