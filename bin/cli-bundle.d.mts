/** The bundle of `entry` (relative to `root`) kept in `cacheDir`, built again when a source it holds changed; null when it cannot be built. */
export function bundledEntry(options: { root: string; entry: string; cacheDir: string }): Promise<string | null>;
/** The command's `main`, from its bundle, else from its sources through tsx. */
export function loadMain(): Promise<(argv: string[]) => Promise<number>>;
/** The bundle of `caqes` (lib/cli/main.ts) in this checkout, built when missing or stale; null when it cannot be built. */
export function commandBundle(): Promise<string | null>;
