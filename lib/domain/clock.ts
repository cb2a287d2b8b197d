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
