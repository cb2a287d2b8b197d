/** The bundle of `entry` (relative to `root`) kept in `cacheDir`, built again when a source it holds changed; null when it cannot be built. */
export function bundledEntry(options: { root: string; entry: string; cacheDir: string }): Promise<string | null>;
