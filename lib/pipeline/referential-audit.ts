/**
 * A referential change in the audit log: what an establishments, targeting, objectives, calendar or
 * parameters file changed, region by region, as counts before and after (never the lists
 * themselves, which the drop zone keeps). Written by the pipeline (`system`), at the instant the
 * file was received, with an id made of its event order: a re-delivered event records nothing twice.
 */
import type { FileOutput } from '../formats/output';
import { stableAuditId, SYSTEM_ACTOR, type AuditLog } from '../store/audit-log';
import type { AuditAction } from '../store/audit-log';
import type { ReferentialStore } from '../store/referential-store';

type Referential = Extract<FileOutput, { type: 'establishments' | 'targetings' | 'objectives' | 'calendar' | 'parameters' }>;
type Counts = Map<string, number>;

/** The referential reads that count a kind's items region by region. */
export type ReferentialCounts = Pick<ReferentialStore, 'listRegions' | 'listEstablishments' | 'listTargetings' | 'listObjectives' | 'listParameters' | 'listDeadlines'>;

const ACTIONS: Readonly<Record<Referential['type'], AuditAction>> = {
  establishments: 'referential.establishments',
  targetings: 'referential.targetings',
  objectives: 'referential.objectives',
  calendar: 'referential.calendar',
  parameters: 'referential.parameters',
};

/** What the log calls each kind: the drop zone's file names, which OMéDIT knows. */
const NOUNS: Readonly<Record<Referential['type'], string>> = {
  establishments: 'etablissements',
  targetings: 'ciblage',
  objectives: 'objectifs',
  calendar: 'calendrier',
  parameters: 'parametres',
};

function isReferential(output: FileOutput): output is Referential {
  return output.type in ACTIONS;
}

/** For each region the deployment knows, how many items of this kind concern it now. */
async function countsOf(output: Referential, referential: ReferentialCounts): Promise<Counts> {
  const regions = (await referential.listRegions()).map((r) => r.region);
  const counts: Counts = new Map();
  for (const region of regions) {
    const concerns = (r: string | null) => r === null || r === region;
    let n: number;
    if (output.type === 'establishments') n = (await referential.listEstablishments(region)).length;
    else if (output.type === 'targetings') n = (await referential.listTargetings(region, output.year)).length;
    // Objectives and parameters: the region's rows and those for every region; the calendar the region follows.
    else if (output.type === 'objectives') n = (await referential.listObjectives()).filter((o) => o.year === output.year && concerns(o.region)).length;
    else if (output.type === 'parameters') n = (await referential.listParameters()).filter((p) => p.year === output.year && concerns(p.region)).length;
    else n = (await referential.listDeadlines(region)).filter((d) => d.year === output.year).length;
    counts.set(region, n);
  }
  return counts;
}

/** The file's year, when its kind has one. */
function yearOf(output: Referential): number | null {
  return output.type === 'establishments' ? null : output.year;
}

/**
 * Applies a file with `apply` and, for a referential file, records in the log of each region it
 * reaches (`reach`: the regions it names, every region for rows shared by all) what it changed
 * there; another region's log hears nothing of it. Other outputs (facts) are applied without an
 * entry: their files are in the drop zone and their records say which facts they gave.
 *
 * @example
 * return withReferentialAudit(output, order, referential, audit, () => storeOutput(output, order, stores));
 */
export async function withReferentialAudit<T>(
  output: FileOutput,
  order: string,
  referential: ReferentialCounts,
  audit: AuditLog,
  apply: () => Promise<T>,
  reach: { regions: readonly string[]; shared: boolean } | null = null,
): Promise<T> {
  if (!isReferential(output)) return apply();
  const before = await countsOf(output, referential);
  const result = await apply();
  const after = await countsOf(output, referential);
  // The order starts with the event's time (lib/store/keys.ts, eventOrder): the file's arrival, the same on every delivery.
  const at = new Date(order.split('|')[0]!).toISOString();
  const year = yearOf(output);
  const noun = NOUNS[output.type];
  for (const region of new Set([...before.keys(), ...after.keys()])) {
    if (reach && !reach.shared && !reach.regions.includes(region)) continue;
    await audit.record({
      region,
      actor: SYSTEM_ACTOR,
      action: ACTIONS[output.type],
      target: year === null ? noun : `${noun}-${year}`,
      before: { [noun]: before.get(region) ?? 0 },
      after: { [noun]: after.get(region) ?? 0 },
      at,
      id: stableAuditId('referential', output.type, year ?? '', region, order),
    });
  }
  return result;
}
