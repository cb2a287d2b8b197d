/**
 * Child process: streams a Windows-1252 file into a UTF-8 copy (iconv-lite decoder, Node's UTF-8
 * encoder), for readers that cannot take Windows-1252 (DuckDB's Latin-1 reader refuses 0x92).
 * Reports the time and peak RSS of the transcoding itself.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import iconv from 'iconv-lite';
import { childArgs, need, peakRssMb, report } from '../common';

const args = childArgs(process.argv.slice(2));
const file = need(args, 'file');
const out = need(args, 'out');
const partial = `${out}.partial`;

const started = performance.now();
await pipeline(createReadStream(file), iconv.decodeStream('win1252'), createWriteStream(partial, { encoding: 'utf8' }));
await rename(partial, out);
report({ seconds: (performance.now() - started) / 1000, rssMb: peakRssMb() });
