import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Establishment, IndicatorResult, RegionMoTotals } from '../../lib/domain/schemas';
import {
  buildSummaryWorkbook,
  DOCUMENT_KIND_LABELS,
  NUM_FMT,
  STATUS_LABELS,
  type SummaryInput,
} from '../../lib/report';

const HOSTILE_NAME = '=HYPERLINK("http://x")';
const HOSTILE_CONTRACT = '+33 1 23';

function establishment(finess: string, raisonSociale: string, contrat: string): Establishment {
  return {
    finess,
    finessJuridique: '130000000',
    raisonSociale,
    region: 'PACA',
    categorie: 'ex-DG',
    contrat,
    emails: [],
  };
}

function result(over: Partial<IndicatorResult> & Pick<IndicatorResult, 'name' | 'status'>): IndicatorResult {
  return {
    region: 'PACA',
    year: 2025,
    indicator: 'MO',
    scope: 'site',
    finess: null,
    contrat: 'CPOM-13-001',
    categorie: null,
    measure: 'ratio',
    numerator: null,
    denominator: null,
    value: null,
    unit: '%',
    period: null,
    source: null,
    cpam: null,
    comparison: null,
    amounts: null,
    target: { comparator: '<', value: 15, source: 'default' },
    note: null,
    components: [],
    evidence: [],
    anomalies: [],
    initiations: null,
    allocation: null,
    inputs: [],
    ...over,
  };
}

const establishments = [
  establishment('130000011', 'Clinique des Oliviers', 'CPOM-13-001'),
  establishment('130000029', 'Hôpital Nord', 'CPOM-13-001'),
  establishment('830000037', HOSTILE_NAME, HOSTILE_CONTRACT),
];

const results: IndicatorResult[] = [
  // Not met: 1 800 / 10 000 = 0.18, above the PACA target of 15 %.
  result({
    name: 'Hôpital Nord',
    finess: '130000029',
    numerator: 1800,
    denominator: 10000,
    value: 18,
    amounts: { total: 1_234_567.891, horsAmm: 222_222.2 },
    status: 'not_met',
  }),
  // Met (per the fixture): the seed's 2021 PACA figures, 76 308 / 496 871 = 0.153576... shown 15.4 %.
  result({
    name: 'Clinique des Oliviers',
    finess: '130000011',
    numerator: 76308,
    denominator: 496871,
    value: (76308 / 496871) * 100,
    amounts: { total: 468_368_652, horsAmm: 49_963_784 },
    target: { comparator: '<', value: 20, source: 'establishment' },
    status: 'met',
  }),
  // Hostile text from an uploaded file: must stay text.
  result({ name: HOSTILE_NAME, finess: '830000037', contrat: HOSTILE_CONTRACT, target: null, status: 'not_targeted' }),
  // The two CPOM-13-001 sites together: 78 108 / 506 871.
  result({
    scope: 'contract',
    name: 'CPOM-13-001',
    numerator: 78108,
    denominator: 506871,
    value: (78108 / 506871) * 100,
    amounts: { total: 469_603_219.891, horsAmm: 50_186_006.2 },
    status: 'not_met',
  }),
  // Another year: must not appear in a 2025 summary.
  result({ name: 'Hôpital Nord', finess: '130000029', year: 2024, status: 'met' }),
];

// Given out of order: the sheet must sort years left to right.
const regionTotals: RegionMoTotals[] = [
  { region: 'PACA', year: 2025, totalUcd: 496871, totalAmount: 468_368_652, i999Ucd: 76308, i999Amount: 49_963_784, share: 0.153, amountJump: null },
  { region: 'PACA', year: 2024, totalUcd: 512788, totalAmount: 20_388_741, i999Ucd: 75940, i999Amount: 66_282_458, share: 0.148, amountJump: null },
];

const input: SummaryInput = {
  region: 'PACA',
  year: 2025,
  // 23:30 UTC on 8 March is already 9 March in Paris.
  generatedAt: '2026-03-08T23:30:00Z',
  establishments,
  results,
  regionTotals,
  evidence: [
    { finess: '130000029', owed: 2, received: 0, missing: ['plan_actions', 'argumentaire_hors_amm'] },
    { finess: '130000011', owed: 2, received: 2, missing: [] },
    { finess: '830000037', owed: 1, received: 0, missing: ['-2+3'] },
  ],
};

let wb: ExcelJS.Workbook;
let mo: ExcelJS.Worksheet;
let overview: ExcelJS.Worksheet;

/** Row values from column 1, without exceljs's leading empty slot. */
function values(ws: ExcelJS.Worksheet, row: number, width: number): unknown[] {
  return Array.from({ length: width }, (_, i) => ws.getRow(row).getCell(i + 1).value);
}

beforeAll(async () => {
  const buffer = await buildSummaryWorkbook(input);
  expect(Buffer.isBuffer(buffer)).toBe(true);
  wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buffer as unknown as ExcelJS.Buffer);
  mo = wb.getWorksheet('MO')!;
  overview = wb.getWorksheet('Synthèse')!;
});

describe('buildSummaryWorkbook', () => {
  it('has the Synthèse and MO sheets, in that order', () => {
    expect(wb.worksheets.map((ws) => ws.name)).toEqual(['Synthèse', 'MO']);
  });

  it('titles the overview in French with the Paris date', () => {
    expect(overview.getCell('A1').value).toBe('CAQES 2025 – PACA : synthèse régionale');
    expect(overview.getCell('A2').value).toBe('Généré le 09/03/2026');
  });

  it('counts site statuses per indicator, ignoring contract rows, non-targeted sites and other years', () => {
    expect(values(overview, 4, 8)).toEqual([
      'Indicateur',
      'Établissements ciblés',
      'Atteint',
      'Non atteint',
      'En attente',
      'Pas de données',
      'Neutralisé',
      'Sans objectif',
    ]);
    // Sites of 2025: one met, one not met, one not targeted -> 2 targeted.
    expect(values(overview, 5, 8)).toEqual(['Pertinence des prescriptions des médicaments de la liste en sus (MO)', 2, 1, 1, 0, 0, 0, 0]);
    expect(overview.getCell('B5').numFmt).toBe(NUM_FMT.count);
    expect(overview.getRow(6).cellCount).toBe(0);
  });

  it('lists evidence per establishment by name, with missing kinds in French', () => {
    expect(values(overview, 7, 5)).toEqual(['Établissement', 'FINESS', 'Pièces attendues', 'Reçues', 'Manquantes']);
    expect(values(overview, 8, 5)).toEqual([HOSTILE_NAME, '830000037', 1, 0, '-2+3']);
    expect(values(overview, 9, 5)).toEqual(['Clinique des Oliviers', '130000011', 2, 2, '']);
    expect(values(overview, 10, 5)).toEqual([
      'Hôpital Nord',
      '130000029',
      2,
      0,
      `${DOCUMENT_KIND_LABELS.plan_actions}, ${DOCUMENT_KIND_LABELS.argumentaire_hors_amm}`,
    ]);
    expect(values(overview, 10, 5)[4]).toBe("Plan d'actions, Argumentaire hors-AMM");
  });

  it('writes the MO header, sites sorted by name, then contract rows', () => {
    expect(values(mo, 1, 10)).toEqual([
      'Établissement',
      'FINESS',
      'Contrat',
      'UCD totales',
      'UCD hors-AMM (I999)',
      'Part I999 (%)',
      'Montant total (€)',
      'Montant hors-AMM (€)',
      'Objectif',
      'Statut',
    ]);
    expect([2, 3, 4, 5].map((r) => mo.getCell(r, 1).value)).toEqual([
      HOSTILE_NAME,
      'Clinique des Oliviers',
      'Hôpital Nord',
      'Contrat CPOM-13-001 (ensemble des sites)',
    ]);
    // The 2024 result is left out: nothing after the contract row but the blank separator.
    expect(mo.getRow(6).cellCount).toBe(0);
  });

  it('stores MO figures as numbers with number formats', () => {
    const row = mo.getRow(3); // Clinique des Oliviers
    expect(values(mo, 3, 5)).toEqual(['Clinique des Oliviers', '130000011', 'CPOM-13-001', 496871, 76308]);
    for (const col of [4, 5, 6, 7, 8]) expect(typeof row.getCell(col).value).toBe('number');
    expect(row.getCell(4).numFmt).toBe('#,##0');
    expect(row.getCell(5).numFmt).toBe('#,##0');
    expect(row.getCell(7).value).toBe(468_368_652);
    expect(row.getCell(7).numFmt).toBe('#,##0.00 "€"');
    expect(row.getCell(8).value).toBe(49_963_784);
    expect(row.getCell(8).numFmt).toBe('#,##0.00 "€"');
    expect(row.getCell(9).value).toBe('< 20 %');
    // Hôpital Nord: amounts keep their decimals, the format rounds the display only.
    expect(mo.getCell(4, 7).value).toBe(1_234_567.891);
  });

  it('stores the I999 share as a fraction with a 0.0 % format (15.4 % for 76 308 / 496 871)', () => {
    const cell = mo.getCell(3, 6);
    // Stored value: 76308 / 496871 = 0.15357708... ; format '0.0 %' displays it as 15.4 %.
    expect(cell.value).toBe(76308 / 496871);
    expect(cell.value as number).toBeCloseTo(0.153577, 6);
    expect(cell.numFmt).toBe('0.0 %');
    expect(((cell.value as number) * 100).toFixed(1)).toBe('15.4');
    // Not met at 0.18.
    expect(mo.getCell(4, 6).value).toBe(0.18);
    // Contract row: (76 308 + 1 800) / (496 871 + 10 000).
    expect(mo.getCell(5, 6).value).toBe(78108 / 506871);
  });

  it('labels statuses in French and colours them', () => {
    expect([2, 3, 4, 5].map((r) => mo.getCell(r, 10).value)).toEqual([
      STATUS_LABELS.not_targeted,
      'Atteint',
      'Non atteint',
      'Non atteint',
    ]);
    expect(STATUS_LABELS).toEqual({
      met: 'Atteint',
      not_met: 'Non atteint',
      pending: 'En attente',
      not_targeted: 'Non ciblé',
      neutralised: 'Neutralisé',
      no_data: 'Pas de données',
      no_target: 'Sans objectif',
    });
    const fill = (r: number) => (mo.getCell(r, 10).fill as ExcelJS.FillPattern).fgColor?.argb;
    expect(fill(3)).toBe('FFC6EFCE'); // green
    expect(fill(4)).toBe('FFFFC7CE'); // red
    expect(fill(2)).toBe('FFE7E6E6'); // grey
  });

  it('marks the contract row and leaves its FINESS empty', () => {
    expect(values(mo, 5, 5)).toEqual(['Contrat CPOM-13-001 (ensemble des sites)', null, 'CPOM-13-001', 506871, 78108]);
  });

  it('freezes the header rows and filters the MO table', () => {
    expect(mo.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(overview.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
    const filter = mo.autoFilter as unknown;
    const ref = typeof filter === 'string' ? filter : JSON.stringify(filter);
    expect(ref).toBe('A1:J5');
  });

  it('styles headers and fits column widths within bounds', () => {
    expect(mo.getCell('A1').font?.bold).toBe(true);
    expect((mo.getCell('A1').fill as ExcelJS.FillPattern).pattern).toBe('solid');
    for (const ws of [mo, overview]) {
      ws.columns.forEach((column) => {
        expect(column.width).toBeGreaterThanOrEqual(8);
        expect(column.width).toBeLessThanOrEqual(60);
      });
    }
    // Column A holds the longest text: 'Contrat CPOM-13-001 (ensemble des sites)' is 40 characters.
    expect(mo.getColumn(1).width).toBe(42);
  });

  it('lays out the ATIH table with years as columns, below a blank row', () => {
    expect(values(mo, 7, 3)).toEqual(['Année', 2024, 2025]);
    expect(mo.getCell(7, 2).numFmt).toBe('0');
    expect(values(mo, 8, 3)).toEqual(["Nombre total d'UCD", 512788, 496871]);
    expect(values(mo, 9, 3)).toEqual(['Total valorisé', 20_388_741, 468_368_652]);
    expect(values(mo, 10, 3)).toEqual(["Nombre d'UCD hors-AMM", 75940, 76308]);
    expect(values(mo, 11, 3)).toEqual(['Montant hors-AMM', 66_282_458, 49_963_784]);
    expect(values(mo, 12, 3)).toEqual(['Hors-AMM/Total (UCD/UCD)', 75940 / 512788, 76308 / 496871]);
    expect(mo.getCell(8, 2).numFmt).toBe('#,##0');
    expect(mo.getCell(9, 2).numFmt).toBe('#,##0.00 "€"');
    expect(mo.getCell(12, 3).numFmt).toBe('0.0 %');
  });

  it('keeps hostile text from uploads as text and never writes a formula', () => {
    const name = mo.getCell(2, 1);
    expect(name.type).toBe(ExcelJS.ValueType.String);
    expect(name.value).toBe(HOSTILE_NAME);
    expect(name.numFmt).toBe('@');
    const contract = mo.getCell(2, 3);
    expect(contract.type).toBe(ExcelJS.ValueType.String);
    expect(contract.value).toBe(HOSTILE_CONTRACT);
    expect(contract.numFmt).toBe('@');
    expect(overview.getCell(8, 5).type).toBe(ExcelJS.ValueType.String);

    let cells = 0;
    for (const ws of wb.worksheets) {
      ws.eachRow({ includeEmpty: true }, (row) =>
        row.eachCell({ includeEmpty: true }, (cell) => {
          cells++;
          expect(cell.type, `${ws.name}!${cell.address}`).not.toBe(ExcelJS.ValueType.Formula);
          expect(cell.formula, `${ws.name}!${cell.address}`).toBeUndefined();
        }),
      );
    }
    expect(cells).toBeGreaterThan(50);
  });

  it('dates the file from generatedAt, not the clock', () => {
    // Byte-identical output is out of reach: the zip entries carry the write time.
    expect(wb.created?.toISOString()).toBe('2026-03-08T23:30:00.000Z');
    expect(wb.modified?.toISOString()).toBe('2026-03-08T23:30:00.000Z');
  });

  it('refuses an invalid timestamp and duplicate ATIH years', async () => {
    await expect(buildSummaryWorkbook({ ...input, generatedAt: 'hier' })).rejects.toThrow(RangeError);
    await expect(
      buildSummaryWorkbook({ ...input, regionTotals: [...regionTotals, regionTotals[0]!] }),
    ).rejects.toThrow(/2025/);
  });
});
