// The worker of lib/formats/halves.ts when the command runs from its sources (tests, tsx): the
// TypeScript loader is registered in the worker's own thread, then halves.ts is loaded from its source.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { readSecondHalf } = await import(workerData.halves);
parentPort.postMessage(await readSecondHalf(workerData.task));
