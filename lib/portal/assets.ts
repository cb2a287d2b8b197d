/**
 * The pages' files (plain HTML, CSS and JavaScript in `assets/`, no build step). They are read from
 * the folder beside this module: in the repository `lib/portal/assets/`, in the deployed function the
 * `assets/` folder the stack copies next to the bundle (infra/caqes-stack.ts), the same relative place.
 */
import { readFileSync } from 'node:fs';

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

/**
 * An asset's text and content type, read once per process.
 * @example readAsset('portal.css').contentType // 'text/css; charset=utf-8'
 */
export function readAsset(name: AssetName): { body: string; contentType: string } {
  let body = cache.get(name);
  if (body === undefined) {
    body = readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8');
    cache.set(name, body);
  }
  return { body, contentType: CONTENT_TYPES[name.split('.').pop()!]! };
}
