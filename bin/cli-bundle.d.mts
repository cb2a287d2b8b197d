/** The packages left to Node rather than bundled (native code, files read beside their sources, computed requires). */
export const EXTERNAL: readonly string[];
/** The bundle of `entry` (relative to `root`) kept in `cacheDir`, built again when a source it holds, or the installed packages, changed; null when it cannot be built. */
export function bundledEntry(options: { root: string; entry: string; cacheDir: string }): Promise<string | null>;
/** The command's `main` (lib/cli/main.ts of `root`, by default this checkout), from its bundle, else from its sources through tsx. */
export function loadMain(root?: string): Promise<(argv: string[]) => Promise<number>>;
/** Where the builds of `root` (by default this checkout) are kept: a folder of its own under node_modules/.cache/caqes-cli. */
export function commandCacheDir(root?: string): string;
/** The bundle of `caqes` (lib/cli/main.ts) in `root` (by default this checkout), built when missing or stale; null when it cannot be built. */
export function commandBundle(root?: string): Promise<string | null>;
