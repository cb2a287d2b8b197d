/**
 * An input a script put straight into the drop zone (a CPAM or ATIH export, a national transfer) is
 * listed on OMéDIT's inputs page of the regions it concerns, beside the files sent from the page:
 * ingest records each version read with those regions, as the rules of Regions are tenants apply it.
 */
import type { Establishment } from '../domain/schemas';
import type { FileOutput } from '../formats/output';
import type { ValidationReport } from '../formats/report';
import type { DroppedInput, InputStore } from '../store/input-store';
import type { DropKey } from '../store/keys';
import { regionsReplaced } from './apply';

/** The regions a file's rows concern: a referential's as it is applied, an extract's through its facts. */
export function regionsConcerned(output: FileOutput, establishments: ReadonlyMap<string, Pick<Establishment, 'region'>>): { regions: string[]; shared: boolean } {
  const replaced = regionsReplaced(output, establishments, undefined);
  if (replaced) return replaced;
  const facts: readonly { region: string }[] = 'facts' in output ? output.facts : [];
  return { regions: [...new Set(facts.map((f) => f.region))].sort(), shared: false };
}

export interface DroppedVersion {
  key: string;
  dropKey: DropKey;
  archiveKey: string;
  reportKey: string;
  order: string;
  /** The year its place or name gives (`atih/2025/…`, `ciblage-2025.csv`), null for the establishments. */
  year: number | null;
  size: number;
  eventTime: string;
  report: ValidationReport;
  output: FileOutput | null;
}

/**
 * Records one version of a dropped input (never one sent from the page, which has its own record,
 * nor evidence). A refused version has no rows to tell its regions: it goes to the regions and kind
 * of the same key's newest earlier version, so a script's stream of files keeps its readers; a key
 * never accepted is reported (file record, `reports/`) but listed on no region's page.
 */
export async function recordDroppedInput(version: DroppedVersion, establishments: ReadonlyMap<string, Pick<Establishment, 'region'>>, inputs: Pick<InputStore, 'putDropped' | 'listDropped'>): Promise<void> {
  const { dropKey } = version;
  if (dropKey.zone === 'evidence' || dropKey.region !== undefined) return;
  const earlier = version.output ? undefined : (await inputs.listDropped()).find((d) => d.key === version.key && d.order < version.order);
  const reach = version.output ? regionsConcerned(version.output, establishments) : earlier && { regions: earlier.regions, shared: earlier.shared };
  const kind = version.report.kind ?? earlier?.kind;
  if (!reach || !kind || kind === 'document') return;
  const record: DroppedInput = {
    key: version.key,
    archiveKey: version.archiveKey,
    reportKey: version.reportKey,
    order: version.order,
    kind,
    year: version.year,
    fileName: dropKey.fileName,
    size: version.size,
    at: new Date(version.eventTime).toISOString(),
    status: version.report.status,
    ...reach,
  };
  await inputs.putDropped(record);
}
