/**
 * The initiations collected appear in the regional summary as the seed shows S1 2025 ("Indicateur MO :
 * Données S1 2025 – Données issues du recueil déclaratif des initiations de traitements hors
 * référentiel": "Nombre d’initiations, Etablissements CAQES (37) = 1554"; "Top 10 DCI (nombre de
 * patients en initiation)"): per region and establishment, initiations and patients, the top 10 DCI.
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { buildSummaryWorkbook } from '../../lib/report/summary-workbook';
import { summaryModel } from '../../lib/report/summary-model';
import { result } from './fixtures';

const dci = (names: [string, number][]) => names.map(([d, patients]) => ({ dci: d, patients }));
const input = {
  region: 'PACA',
  year: 2025,
  generatedAt: '2026-02-23T08:00:00Z',
  regionTotals: [],
  results: [
    result({ name: 'CHU A', finess: '130786049', status: 'met', initiations: { initiations: 40, patients: 30, byDci: dci([['RITUXIMAB', 12], ['BEVACIZUMAB', 8], ['NIVOLUMAB', 10]]) } }),
    result({ name: 'CH B', finess: '130001647', status: 'met', initiations: { initiations: 20, patients: 10, byDci: dci([['RITUXIMAB', 6], ['PEMETREXED', 4]]) } }),
    // Another DCI in each of 11 more rows: only the 10 with most patients are shown.
    result({ name: 'CH C', finess: '830100012', status: 'met', initiations: { initiations: 11, patients: 11, byDci: dci(Array.from({ length: 11 }, (_, i) => [`DCI ${String(i).padStart(2, '0')}`, 1] as [string, number])) } }),
    // Not targeted: shown grey elsewhere, not counted among the CAQES establishments.
    result({ name: 'Clinique D', finess: '060002011', status: 'not_targeted', initiations: { initiations: 99, patients: 99, byDci: dci([['X', 99]]) } }),
  ],
};

describe('initiations in the regional summary', () => {
  it('counts the CAQES establishments, initiations and patients, per establishment and for the region', () => {
    const { initiations } = summaryModel(input);
    // 40 + 20 + 11 = 71 initiations, 30 + 10 + 11 = 51 patients, 3 establishments.
    expect(initiations).toMatchObject({ establishments: 3, initiations: 71, patients: 51 });
    // In the order of the MO sheet's rows (by name).
    expect(initiations.sites.map((s) => [s.name, s.initiations, s.patients])).toEqual([
      ['CH B', 20, 10],
      ['CH C', 11, 11],
      ['CHU A', 40, 30],
    ]);
  });

  it('the top 10 DCI by patients, with their share of the patients: rituximab 18 of 51 = 35,3 %', () => {
    const { topDci } = summaryModel(input).initiations;
    expect(topDci).toHaveLength(10);
    expect(topDci.slice(0, 4).map((d) => [d.dci, d.patients])).toEqual([
      ['RITUXIMAB', 18],
      ['NIVOLUMAB', 10],
      ['BEVACIZUMAB', 8],
      ['PEMETREXED', 4],
    ]);
    expect(topDci[0]!.share).toBeCloseTo((18 / 51) * 100, 9);
  });

  it('the MO sheet of the workbook shows them', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await buildSummaryWorkbook(summaryModel(input))) as never);
    const cells: string[] = [];
    wb.getWorksheet('MO')!.eachRow((row) => cells.push((row.values as unknown[]).filter((v) => v !== null && v !== undefined).join(' | ')));
    expect(cells).toContain('Initiations (3 établissements) | 71');
    expect(cells).toContain('RITUXIMAB | 18 | ' + 18 / 51);
  });
});
