/**
 * Child process: the floor. Reads the file through the same `createReadStream` (same chunk size as
 * our path) and counts line feeds, nothing else.
 */
import { createReadStream } from 'node:fs';
import { childArgs, need, peakRssMb, report } from '../common';

const args = childArgs(process.argv.slice(2));
const file = need(args, 'file');

const started = performance.now();
let lines = 0;
let bytes = 0;
for await (const chunk of createReadStream(file)) {
  const buffer = chunk as Buffer;
  bytes += buffer.length;
  for (let i = buffer.indexOf(10); i >= 0; i = buffer.indexOf(10, i + 1)) lines++;
}
const seconds = (performance.now() - started) / 1000;
report({ seconds, rssMb: peakRssMb(), bytes, lines });
