/**
 * Child process: one of the product's own commands end to end, `caqes validate <file>` or `caqes run
 * --data <folder>`, exactly as `npx caqes` runs it (the TypeScript sources through tsx, the same
 * `main`), in this process so that its peak RSS is the whole command's: the emulators of the
 * embedded default, the handlers, the report and the summaries included.
 *
 * @example
 * node --import tsx bench/workers/command.ts --label run -- run --data .bench/drop --today 2026-02-23 --out /tmp/out
 */
import { main } from '../../lib/cli/main';
import { memoryMb, peakRssMb, report } from '../common';

const argv = process.argv.slice(2);
const dashes = argv.indexOf('--');
if (dashes < 0) throw new Error('usage: command.ts --label NAME -- <caqes arguments>');
const label = argv[argv.indexOf('--label') + 1] ?? 'command';
const command = argv.slice(dashes + 1);

// What the command prints is not measured: it goes to stderr, and stdout keeps the result line.
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => process.stderr.write(chunk, ...(rest as []))) as typeof process.stdout.write;

const started = performance.now();
const exitCode = await main(command);
const seconds = (performance.now() - started) / 1000;
process.stdout.write = write;
report({ label, seconds, rssMb: peakRssMb(), memoryAtEnd: memoryMb(), exitCode });
