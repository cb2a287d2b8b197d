import { describe, expect, it } from 'vitest';
import { dueJobs, latestSlotDay } from '../../lib/local/daily-jobs';
import { offsetClock, simulatedOffset } from '../../lib/local/simulated-clock';
import { todayOf } from '../../lib/domain/clock';

const JOBS = [
  { name: 'remind', at: '06:00' },
  { name: 'summarize', at: '06:30' },
];

describe('the daily jobs: reminders at 06:00, summaries at 06:30, Paris time', () => {
  it('before 06:00 in Paris the latest slot is yesterday’s; from 06:00, today’s (winter: UTC+1)', () => {
    expect(latestSlotDay('06:00', new Date('2026-02-23T04:59:00Z'))).toBe('2026-02-22');
    expect(latestSlotDay('06:00', new Date('2026-02-23T05:00:00Z'))).toBe('2026-02-23');
    expect(latestSlotDay('06:30', new Date('2026-02-23T05:15:00Z'))).toBe('2026-02-22');
  });

  it('in summer (UTC+2), 06:00 in Paris is 04:00 UTC', () => {
    expect(latestSlotDay('06:00', new Date('2026-06-10T03:59:00Z'))).toBe('2026-06-09');
    expect(latestSlotDay('06:00', new Date('2026-06-10T04:00:00Z'))).toBe('2026-06-10');
  });

  it('at 06:10 only the reminders are due; at 06:40 the summaries too', () => {
    const runs = { remind: '2026-02-22', summarize: '2026-02-22' };
    expect(dueJobs(JOBS, runs, new Date('2026-02-23T05:10:00Z')).map((d) => `${d.job.name} ${d.day}`)).toEqual(['remind 2026-02-23']);
    expect(dueJobs(JOBS, runs, new Date('2026-02-23T05:40:00Z')).map((d) => `${d.job.name} ${d.day}`)).toEqual(['remind 2026-02-23', 'summarize 2026-02-23']);
  });

  it('a machine stopped for four days catches up once, for the latest day, not once per day missed', () => {
    const due = dueJobs(JOBS, { remind: '2026-02-18', summarize: '2026-02-18' }, new Date('2026-02-23T09:00:00Z'));
    expect(due.map((d) => `${d.job.name} ${d.day}`)).toEqual(['remind 2026-02-23', 'summarize 2026-02-23']);
  });

  it('restarted at 05:00 after missing yesterday: yesterday’s run, once; nothing again once it is recorded', () => {
    const now = new Date('2026-02-23T04:00:00Z');
    expect(dueJobs(JOBS, { remind: '2026-02-21' }, now).map((d) => `${d.job.name} ${d.day}`)).toEqual(['remind 2026-02-22', 'summarize 2026-02-22']);
    expect(dueJobs(JOBS, { remind: '2026-02-22', summarize: '2026-02-22' }, now)).toEqual([]);
  });
});

describe('the simulated clock of caqes serve --today', () => {
  it('starts on the day asked for at the real time of day, and moves with real time', () => {
    let real = Date.parse('2026-12-03T08:15:00Z');
    const clock = offsetClock(simulatedOffset('2026-02-23', () => real), () => real);
    expect(clock().toISOString()).toBe('2026-02-23T08:15:00.000Z');
    real += 26 * 3_600_000;
    expect(todayOf(clock())).toBe('2026-02-24');
  });

  it('keeps the day when summer time differs between the two dates (23:30 in Paris in June, a winter day asked)', () => {
    const real = Date.parse('2026-06-10T21:30:00Z'); // 23:30 in Paris
    const clock = offsetClock(simulatedOffset('2026-02-23', () => real), () => real);
    expect(todayOf(clock())).toBe('2026-02-23');
  });
});
