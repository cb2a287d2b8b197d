/**
 * The self-evaluation reports in the regional workbook: one row per contract and targeted indicator,
 * declared, computed (a multi-site contract's own result) and evaluated, read back with exceljs.
 */
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Deadline, Establishment, IndicatorResult, Targeting } from '../../lib/domain/schemas';
import { openedReport, recordFinal, reviewIndicator, saveDeclarations, type ReportActor, type ReportLock } from '../../lib/domain/self-evaluation';
import { reportModel } from '../../lib/domain/self-evaluation-model';
import { summaryModel } from '../../lib/report/summary-model';
import { buildSummaryWorkbook, SUMMARY_SHEETS } from '../../lib/report/summary-workbook';
import { reportSummaryRows } from '../../lib/report/self-evaluation-view';
import { result } from './fixtures';

const NORD = '130786049';
const EST = '130001647';
const SEUL = '130780018';
const site = (finess: string, contrat: string, name: string): Establishment => ({ finess, finessJuridique: finess, raisonSociale: name, region: 'PACA', categorie: 'ex-DG', contrat, emails: [] });
const establishments = [site(NORD, 'C-MULTI', 'Hôpital Nord'), site(EST, 'C-MULTI', 'Hôpital Est'), site(SEUL, 'C-SEUL', 'CHU Seul')];
const targetings: Targeting[] = [NORD, EST, SEUL].map((finess) => ({ year: 2025, finess, indicator: 'MO' }));
const deadlines: Deadline[] = [{ year: 2025, campaign: '2025', id: 'auto_evaluation', date: '2026-03-31', indicator: null, documents: [], label: 'Rapport annuel d’auto-évaluation 2025' }];
const TARGET = { comparator: '<' as const, value: 15, source: 'region' as const };
const mo = (over: Partial<IndicatorResult> & Pick<IndicatorResult, 'name' | 'status'>) => result({ indicator: 'MO', year: 2025, region: 'PACA', measure: 'ratio', unit: '%', target: TARGET, ...over });
const results: IndicatorResult[] = [
  // Nord 30 / 100, Est 10 / 300: the contract is 40 / 400 = 10 %, not the 16,7 % average of the rates.
  mo({ name: 'Hôpital Nord', scope: 'site', finess: NORD, contrat: 'C-MULTI', numerator: 30, denominator: 100, value: 30, status: 'not_met' }),
  mo({ name: 'Hôpital Est', scope: 'site', finess: EST, contrat: 'C-MULTI', numerator: 10, denominator: 300, value: 10 / 3, status: 'met' }),
  mo({ name: 'C-MULTI', scope: 'contract', finess: null, contrat: 'C-MULTI', numerator: 40, denominator: 400, value: 10, status: 'met' }),
  mo({ name: 'CHU Seul', scope: 'site', finess: SEUL, contrat: 'C-SEUL', numerator: 5, denominator: 100, value: 5, status: 'met' }),
];

const SITE: ReportActor = { kind: 'link', id: 'lien', finess: NORD };
const OMEDIT: ReportActor = { kind: 'account', id: 'omedit@example.fr', finess: null };
const OPEN: ReportLock = { deadline: '2026-03-31', locked: false, reopenedUntil: null };
const AT = '2026-03-01T09:00:00.000Z';

let sheet: ExcelJS.Worksheet;

beforeAll(async () => {
  let report = openedReport({ region: 'PACA', year: 2025, contrat: 'C-MULTI' }, OMEDIT, AT);
  const declaration = { selfAssessment: 'met' as const, actions: 'COMEDIMS', comments: '', missedReason: '', items: { valeur_declaree: 12, lignes_argumentees: 100, anomalies_corrigees: true } };
  report = saveDeclarations(report, { declarations: { MO: declaration }, expectedVersion: 1, submit: true, blockers: [] }, OPEN, SITE, AT);
  // A comment typed to look like a formula must stay text.
  report = reviewIndicator(report, { indicator: 'MO', decision: 'set', status: 'not_met', comment: '=HYPERLINK("http://x.example")', expectedVersion: 2 }, { status: 'met', value: 10, target: TARGET }, OPEN, OMEDIT, AT);
  report = recordFinal(report, { result: 'partly_met', comment: 'À revoir', expectedVersion: 3 }, ['MO'], OPEN, OMEDIT, AT);
  const common = { region: 'PACA', year: 2025, today: '2026-04-10', establishments, targetings, results, evidence: [], deadlines };
  const models = [reportModel({ ...common, contrat: 'C-MULTI', report }), reportModel({ ...common, contrat: 'C-SEUL', report: null })];
  const summary = summaryModel({ region: 'PACA', year: 2025, generatedAt: '2026-04-10T08:00:00Z', results, regionTotals: [], reports: reportSummaryRows(models) });
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await buildSummaryWorkbook(summary)) as unknown as ExcelJS.Buffer);
  sheet = wb.getWorksheet(SUMMARY_SHEETS.reports)!;
});

const cells = (row: number) => Array.from({ length: 13 }, (_, i) => sheet.getRow(row).getCell(i + 1).value);

describe('the workbook’s self-evaluation sheet', () => {
  it('has one row per contract and indicator: declared, computed for the contract as a whole, evaluated, final', () => {
    expect(cells(3)).toEqual([
      'Contrat',
      'Établissements',
      'Indicateur',
      'État du rapport',
      'Selon l’établissement',
      'Valeur déclarée',
      'Valeur calculée',
      'Statut calculé',
      'Valeur évaluée',
      'Statut évalué (OMéDIT)',
      'Commentaire de l’évaluation',
      'Résultat final du contrat',
      'Commentaire du résultat final',
    ]);
    expect(cells(4)).toEqual([
      'C-MULTI',
      'Hôpital Est, Hôpital Nord',
      'MO',
      'Évalué',
      'Objectif atteint',
      0.12,
      0.1,
      'Atteint',
      0.1,
      'Non atteint',
      '=HYPERLINK("http://x.example")',
      'Objectifs partiellement atteints',
      'À revoir',
    ]);
    // Never opened: still listed, with what was computed, nothing declared or evaluated.
    expect(cells(5)).toEqual(['C-SEUL', 'CHU Seul', 'MO', 'Non ouvert', null, null, 0.05, 'Atteint', null, null, null, null, null]);
    expect(sheet.getRow(6).getCell(1).value).toBeNull();
  });

  it('writes rates as percentages, and users’ text as text, never as a formula', () => {
    expect(sheet.getRow(4).getCell(7).numFmt).toBe('0.0 %');
    const comment = sheet.getRow(4).getCell(11);
    expect(comment.type).toBe(ExcelJS.ValueType.String);
    expect(comment.formula).toBeUndefined();
    expect(comment.numFmt).toBe('@');
  });

  it('freezes and filters its header, and colours both statuses', () => {
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 3 });
    expect(String(sheet.autoFilter)).toBe('A3:M5');
    const formats = (sheet as unknown as { conditionalFormattings: { ref: string }[] }).conditionalFormattings.map((f) => f.ref);
    expect(formats).toEqual(['H4:H5', 'J4:J5']);
  });
});
