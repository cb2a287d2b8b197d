/**
 * Child process: one of the product's own commands end to end, `caqes validate <file>` or `caqes run
 * --data <folder>`, exactly as `npx caqes` runs it (bin/caqes.mjs: the same `main`, from the
 * command's bundle, in a Node process without tsx), in this process so that its peak RSS is the whole
 * command's: the emulators of the embedded default, the handlers, the report and the summaries
 * included. Plain JavaScript, like bin/caqes.mjs: through tsx, every module would go through its loader.
 *
 * @example
 * node bench/workers/command.mjs --label run -- run --data .bench/drop --today 2026-02-23 --out /tmp/out
 */
import { loadMain } from '../../bin/cli-bundle.mjs';
import { memoryMb, peakRssMb, report } from '../result.mjs';

const argv = process.argv.slice(2);
const dashes = argv.indexOf('--');
if (dashes < 0) throw new Error('usage: command.mjs --label NAME -- <caqes arguments>');
const label = argv[argv.indexOf('--label') + 1] ?? 'command';
const command = argv.slice(dashes + 1);

// What the command prints is not measured: it goes to stderr, and stdout keeps the result line.
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => process.stderr.write(chunk, ...rest);

const started = performance.now();
const main = await loadMain();
const exitCode = await main(command);
const seconds = (performance.now() - started) / 1000;
process.stdout.write = write;
report({ label, seconds, rssMb: peakRssMb(), memoryAtEnd: memoryMb(), exitCode });
