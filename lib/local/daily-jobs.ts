/**
 * The daily jobs of the single-machine runtime, as EventBridge schedules them on AWS: reminders at
 * 06:00 and summaries at 06:30, Paris time, on the runtime's clock. A job runs for the day of its
 * latest slot when its last run (kept in the state folder) is older: a machine stopped for days
 * catches up once, for the latest day, never once per day missed.
 */
import type { JobRuns } from './state';

export interface DailyJob {
  name: string;
  /** Paris wall-clock time, `HH:MM`. */
  at: string;
  run(day: string): Promise<void>;
}

function parisParts(instant: Date): { day: string; minutes: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return { day: `${parts.year}-${parts.month}-${parts.day}`, minutes: Number(parts.hour) * 60 + Number(parts.minute) };
}

function previousDay(day: string): string {
  return new Date(Date.parse(`${day}T12:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

/** The Paris day of a job's latest slot at `now`: today once its time has come, else yesterday. */
export function latestSlotDay(at: string, now: Date): string {
  const [hours, minutes] = at.split(':').map(Number) as [number, number];
  const paris = parisParts(now);
  return paris.minutes >= hours * 60 + minutes ? paris.day : previousDay(paris.day);
}

/** The jobs to run at `now`, each with its day: those whose latest slot is after their last run. */
export function dueJobs<J extends Pick<DailyJob, 'name' | 'at'>>(jobs: readonly J[], runs: JobRuns, now: Date): { job: J; day: string }[] {
  return jobs.map((job) => ({ job, day: latestSlotDay(job.at, now) })).filter(({ job, day }) => (runs[job.name] ?? '') < day);
}

export interface JobScheduler {
  /** Runs what is due now, in order, recording each run once it succeeded. */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Checks every `intervalMs` (and once at once) which jobs are due on `now`'s clock. A job that fails
 * is not recorded and is tried again at the next check.
 */
export function scheduleDailyJobs(options: {
  jobs: readonly DailyJob[];
  now: () => Date;
  runs: { read(): Promise<JobRuns>; write(runs: JobRuns): Promise<void> };
  intervalMs: number;
  onError: (job: string, error: unknown) => void;
}): JobScheduler {
  let running: Promise<void> = Promise.resolve();
  const tick = (): Promise<void> => {
    running = running.then(async () => {
      for (const { job, day } of dueJobs(options.jobs, await options.runs.read(), options.now())) {
        try {
          await job.run(day);
          await options.runs.write({ ...(await options.runs.read()), [job.name]: day });
        } catch (error) {
          options.onError(job.name, error);
        }
      }
    });
    return running;
  };
  const timer = setInterval(() => void tick(), options.intervalMs);
  void tick();
  return {
    tick,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
