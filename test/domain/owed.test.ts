/**
 * One owner of "what is owed" (lib/domain/owed.ts): the indicators' evidence, the reminder of each
 * step, the establishment's page and the regional summary list the same documents, for random
 * calendars, targetings and uploads. Before, the reminders and the pages read only the calendar's
 * rows while the indicators added the documents an indicator is made of: a self-evaluation deadline
 * whose row lists no document left DMI pending with three documents awaited and no reminder.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeIndicators } from '../../lib/domain/indicators';
import { deadlineRequirements, owedStates } from '../../lib/domain/owed';
import { dueReminders } from '../../lib/domain/reminders';
import type { Deadline, DocumentKind, Establishment, EvidenceRecord, IndicatorCode, Targeting } from '../../lib/domain/schemas';
import { deadlineGroups, deadlineStatuses } from '../../lib/portal/deadline-status';
import { summaryModel } from '../../lib/report/summary-model';

const SITES: Establishment[] = ['130786049', '130001647', '750821092'].map((finess, i) => ({
  finess,
  finessJuridique: finess,
  raisonSociale: `Site ${i + 1}`,
  region: 'PACA',
  categorie: 'ex-DG',
  contrat: `C${i + 1}`,
  emails: [`pui${i}@site.example`],
}));
const CODES: IndicatorCode[] = ['MO', 'DMI', 'PHARMACIE_CLINIQUE', 'IPP'];
const KINDS: DocumentKind[] = ['plan_actions', 'argumentaire_hors_amm', 'audit_dmi', 'cartographie_dmi', 'autodiagnostic_pharmacie_clinique'];
const DATES = ['2025-09-15', '2026-03-09', '2026-03-21', '2026-03-31'];
const LOCK = '2026-03-31';

const row = fc.record({
  campaign: fc.constantFrom('2025-S1', '2025-S2'),
  id: fc.constantFrom('retour_preuves', 'argumentaire_hors_amm', 'autre'),
  date: fc.constantFrom(...DATES.slice(0, 3)),
  indicator: fc.option(fc.constantFrom(...CODES), { nil: null }),
  documents: fc.uniqueArray(fc.constantFrom(...KINDS), { maxLength: 3 }),
  strict: fc.option(fc.boolean(), { nil: undefined }),
});

const calendar = fc
  .record({ rows: fc.array(row, { maxLength: 5 }), annual: fc.uniqueArray(fc.constantFrom(...KINDS), { maxLength: 2 }) })
  .map(({ rows, annual }): Deadline[] => {
    const seen = new Set<string>();
    const out: Deadline[] = [];
    // As the calendar's reader keeps them: one row per campaign, deadline and indicator.
    for (const r of rows) {
      const id = `${r.campaign}#${r.id}#${r.indicator ?? ''}`;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push({ year: 2025, campaign: r.campaign, id: r.id, date: r.date, indicator: r.indicator, documents: r.documents, label: r.id, ...(r.strict === undefined ? {} : { strict: r.strict }) });
    }
    // The year's self-evaluation, sometimes listing no document (the case).
    out.push({ year: 2025, campaign: '2025', id: 'auto_evaluation', date: LOCK, indicator: null, documents: annual, label: 'Rapport' });
    return out;
  });

const targetings = fc.uniqueArray(
  fc.record({ finess: fc.constantFrom(...SITES.map((s) => s.finess)), indicator: fc.constantFrom(...CODES) }).map((t): Targeting => ({ year: 2025, ...t })),
  { selector: (t) => `${t.finess}#${t.indicator}`, maxLength: 8 },
);

const uploads = fc.array(
  fc.record({
    finess: fc.constantFrom(...SITES.map((s) => s.finess)),
    kind: fc.constantFrom(...KINDS),
    campaign: fc.constantFrom('2025', '2025-S1', '2025-S2'),
    accepted: fc.boolean(),
    day: fc.constantFrom('2025-09-01', '2025-09-20', '2026-03-01', '2026-03-15', '2026-03-25'),
  }),
  { maxLength: 10 },
);

function records(list: { finess: string; kind: DocumentKind; campaign: string; accepted: boolean; day: string }[]): EvidenceRecord[] {
  return list.map((u, i) => ({
    region: 'PACA',
    campaign: u.campaign,
    finess: u.finess,
    kind: u.kind,
    fileName: `f${i}.pdf`,
    receivedAt: `${u.day}T10:00:00.000Z`,
    status: u.accepted ? 'accepted' : 'rejected',
    errorCount: u.accepted ? 0 : 1,
    firstError: u.accepted ? null : 'ligne 2, colonne « x » : erreur',
    reportKey: `reports/${i}.json`,
    order: `${u.day}T10:00:00.000Z|${String(i).padStart(4, '0')}`,
    summary: null,
    source: { key: `evidence/${u.campaign}/${u.finess}/${u.kind}/${i}`, version: 'v1' },
  }));
}

const key = (campaign: string, deadline: string | null, kind: string) => `${campaign}#${deadline ?? ''}#${kind}`;

describe('what is owed: one answer for the indicators, the reminders, the pages and the summary', () => {
  it('property: for every deadline, the same documents are owed everywhere', () => {
    fc.assert(
      fc.property(calendar, targetings, uploads, fc.constantFrom('2025-09-01', '2026-03-01', '2026-03-10', '2026-03-22', LOCK), (deadlines, targeted, sent, today) => {
        const evidence = records(sent);
        const results = computeIndicators({
          region: 'PACA',
          year: 2025,
          today,
          establishments: SITES,
          targetings: targeted,
          objectives: [],
          deadlines,
          parameters: [],
          moFacts: [],
          previousMoFacts: [],
          cpamFacts: [],
          previousCpamFacts: [],
          phmevFacts: [],
          previousPhmevFacts: [],
          evidence,
          dmiFacts: [],
        });
        // Every step due every day: before a deadline J-3650, after it J+1 (up to the lock).
        const reminders = dueReminders({ today, deadlines, establishments: SITES, targetings: targeted, evidence, offsets: () => [-3650, 1] });
        const summary = summaryModel({ region: 'PACA', year: 2025, generatedAt: `${today}T06:00:00.000Z`, results, regionTotals: [] });
        for (const site of SITES) {
          const targetedOn = new Set(targeted.filter((t) => t.finess === site.finess).map((t) => t.indicator));
          const mine = evidence.filter((e) => e.finess === site.finess);
          // The indicators: every evidence state of the site's targeted results, once per document: the
          // first indicator's, in the catalogue's order, when two ask for it with different dates.
          const states = new Map<string, string>();
          for (const r of results) if (r.scope === 'site' && r.finess === site.finess && r.status !== 'not_targeted') for (const s of r.evidence) if (!states.has(key(s.campaign, s.deadline, s.kind))) states.set(key(s.campaign, s.deadline, s.kind), s.status);
          const owedByIndicators = [...states].filter(([, status]) => status !== 'in_time').map(([k]) => k).sort();
          // The reminders of the day.
          const reminded = reminders
            .filter((r) => r.establishment.finess === site.finess)
            .flatMap((r) => r.owed.map((o) => key(r.deadline.campaign, r.deadline.id, o.kind)))
            .sort();
          // The establishment's page (and OMéDIT's, the same function).
          const page = deadlineStatuses(deadlineGroups(deadlines), deadlines, targetedOn, mine, today);
          const shown = page.flatMap((d) => d.documents.map((doc) => ({ k: key(d.campaign, d.id, doc.kind), owed: doc.state !== 'accepted' })));
          expect(reminded).toEqual(owedByIndicators);
          expect(shown.filter((s) => s.owed).map((s) => s.k).sort()).toEqual(owedByIndicators);
          expect(shown.map((s) => s.k).sort()).toEqual([...states.keys()].sort());
          // The summary's documents per establishment: as many owed, as many still owed.
          const counted = summary.establishments.find((e) => e.finess === site.finess)?.counts;
          expect(counted?.owed ?? 0).toBe(states.size);
          expect(counted ? counted.owed - counted.inTime : 0).toBe(owedByIndicators.length);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('a self-evaluation row listing no document still owes what DMI is made of, each with its reason', () => {
    const deadlines: Deadline[] = [{ year: 2025, campaign: '2025', id: 'auto_evaluation', date: LOCK, indicator: null, documents: [], label: 'Rapport' }];
    const site = SITES[0]!;
    const refused = records([{ finess: site.finess, kind: 'audit_dmi', campaign: '2025-S2', accepted: false, day: '2026-03-15' }]);
    const requirements = deadlineRequirements(deadlines[0]!, deadlines, new Set<IndicatorCode>(['DMI']));
    expect(owedStates(requirements, refused, '2026-03-20').map((s) => s.owed)).toEqual([
      { kind: 'cartographie_dmi', state: 'missing', detail: null },
      { kind: 'plan_actions_dmi', state: 'missing', detail: null },
      { kind: 'audit_dmi', state: 'refused', detail: 'fichier « f0.pdf » reçu mais refusé : ligne 2, colonne « x » : erreur' },
    ]);
    const late = records([{ finess: site.finess, kind: 'plan_actions_dmi', campaign: '2025', accepted: true, day: '2026-04-02' }]);
    expect(owedStates(requirements, late, '2026-04-03')[1]!.owed).toEqual({ kind: 'plan_actions_dmi', state: 'late', detail: 'fichier « f0.pdf » reçu le 02/04/2026, après l’échéance du 31/03/2026' });
  });
});
