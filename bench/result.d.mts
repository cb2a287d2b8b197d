export const RESULT_PREFIX: string;
export function report(result: object): void;
export function peakRssMb(): number;
export function memoryMb(): { heapTotal: number; heapUsed: number; external: number; arrayBuffers: number; rss: number };
