/** The worker thread of lib/formats/halves.ts: reads the second half of a file and sends what it gave. */
import { parentPort, workerData } from 'node:worker_threads';
import { readSecondHalf, type SecondHalfTask } from './halves';

parentPort?.postMessage(await readSecondHalf(workerData as SecondHalfTask));
