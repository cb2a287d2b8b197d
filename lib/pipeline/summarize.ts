import { regionMoTotals } from '../domain/mo';
import { owedDocuments } from '../domain/reminders';
import type { DocumentKind } from '../domain/schemas';
import { buildSummaryWorkbook } from '../report';
import type { DynamoStore } from '../store/dynamo-store';
import { s3Keys } from '../store/keys';
import type { ObjectStore } from '../store/object-store';

export interface BuiltSummary {
  region: string;
  year: number;
  key: string;
}

/**
 * Builds the summary workbook of every region and campaign year the store knows, and writes each
 * to `summaries/<year>/<region>.xlsx`.
 */
export async function buildSummaries(deps: { store: DynamoStore; objects: ObjectStore; now: () => Date }): Promise<BuiltSummary[]> {
  const { store, objects } = deps;
  const deadlines = await store.listDeadlines();
  const built: BuiltSummary[] = [];
  for (const { region, years } of await store.listRegions()) {
    const establishments = await store.listEstablishments(region);
    const allFacts = (await Promise.all(years.map((y) => store.listMoFacts(region, y)))).flat();
    const regionTotals = regionMoTotals(region, allFacts);
    for (const year of years) {
      const targetings = await store.listTargetings(region, year);
      if (targetings.length === 0) continue;
      const yearDeadlines = deadlines.filter((d) => d.year === year);
      const campaigns = [...new Set(yearDeadlines.map((d) => d.campaign))];
      const received = (await Promise.all(campaigns.map((c) => store.listEvidence(region, c)))).flat().filter((e) => e.status === 'accepted');
      const evidence = establishments
        .filter((e) => targetings.some((t) => t.finess === e.finess))
        .map((e) => {
          const mine = new Set(targetings.filter((t) => t.finess === e.finess).map((t) => t.indicator));
          const owed = new Set(
            campaigns.flatMap((c) => [...owedDocuments(yearDeadlines.filter((d) => d.campaign === c), mine)].map((kind) => `${c}#${kind}`)),
          );
          const got = [...owed].filter((o) => received.some((r) => r.finess === e.finess && `${r.campaign}#${r.kind}` === o));
          const missing = [...owed].filter((o) => !got.includes(o)).map((o) => o.split('#')[1] as DocumentKind);
          return { finess: e.finess, owed: owed.size, received: got.length, missing: [...new Set(missing)] };
        });
      const workbook = await buildSummaryWorkbook({
        region,
        year,
        generatedAt: deps.now().toISOString(),
        establishments,
        results: await store.listResults(region, year),
        regionTotals,
        evidence,
      });
      const key = s3Keys.summary(year, region);
      await objects.putBuffer(key, workbook, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      built.push({ region, year, key });
    }
  }
  return built;
}
