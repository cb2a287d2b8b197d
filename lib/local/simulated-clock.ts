import { todayOf } from '../domain/clock';

/**
 * How far from real time a clock on `day` is that moves forward with real time (`caqes serve --today`): the real time of day in
 * Paris, on the day asked for, then the next days as they come. The offset is whole days, corrected by
 * the hour a change of summer time between the two dates would otherwise shift it.
 */
export function simulatedOffset(day: string, real: () => number = Date.now): number {
  const start = real();
  let offset = Date.parse(`${day}T12:00:00Z`) - Date.parse(`${todayOf(new Date(start))}T12:00:00Z`);
  for (const shift of [0, -3_600_000, 3_600_000]) {
    if (todayOf(new Date(start + offset + shift)) === day) {
      offset += shift;
      break;
    }
  }
  return offset;
}

/** The clock `offset` milliseconds from real time (0: the real clock). */
export function offsetClock(offset: number, real: () => number = Date.now): () => Date {
  return () => new Date(real() + offset);
}

