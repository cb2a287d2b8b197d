// The one-line protocol a benchmark child reports on, in plain JavaScript: the command's child runs
// without tsx (as `npx caqes` does), the others import it through bench/common.ts.

/** Prefix of the line on which a child process prints its result (JSON) on stdout. */
export const RESULT_PREFIX = '@@bench-result ';

/** Prints the child's result for the parent; called once, last. */
export function report(result) {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

/** Peak resident set size of this process so far, in MB (`maxRSS` is in KiB on Linux). */
export function peakRssMb() {
  return process.resourceUsage().maxRSS / 1024;
}

/** V8 heap and off-heap memory at the end of a child's work, in MB (what RSS is made of, roughly). */
export function memoryMb() {
  const m = process.memoryUsage();
  const mb = (n) => Math.round((n / 1024 / 1024) * 10) / 10;
  return { heapTotal: mb(m.heapTotal), heapUsed: mb(m.heapUsed), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers), rss: mb(m.rss) };
}
