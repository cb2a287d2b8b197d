/**
 * The one place the pipeline's "today" comes from: the schedule's event time on AWS, `--today` on
 * the command line. Dates are calendar days in Paris, where the deadlines are set.
 */
export function todayOf(instant: string | Date): string {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a date: ${String(instant)}`);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
}

/** The instant the scheduled jobs run on a given calendar day (06:00 in Paris is always that day). */
export function scheduleInstant(today: string): string {
  return `${today}T06:00:00Z`;
}

/**
 * The last second of the Paris calendar day `instant` falls on (23:59:59 in Paris, winter or summer
 * time): a link said to be valid "jusqu’au 09/04/2026" works through that whole day.
 * @example endOfParisDay(new Date('2026-04-09T08:00:00Z')).toISOString() // '2026-04-09T21:59:59.000Z'
 */
export function endOfParisDay(instant: Date): Date {
  const day = todayOf(instant);
  const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  // Midnight in Paris is 22:00 or 23:00 UTC the day before: the one whose Paris day is the next.
  for (const offsetHours of [2, 1]) {
    const midnight = Date.parse(`${next}T00:00:00Z`) - offsetHours * 3_600_000;
    if (todayOf(new Date(midnight)) === next && todayOf(new Date(midnight - 1000)) === day) return new Date(midnight - 1000);
  }
  throw new RangeError(`no Paris midnight after ${day}`);
}
