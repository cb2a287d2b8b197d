/** `npm start`: the sample region, through the command line, as a pharmacist would run it. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import ExcelJS from 'exceljs';
import { main } from '../../lib/cli/main';
import { CSV_COLUMNS } from '../../lib/report/summary-csv';
import { SUMMARY_SHEETS } from '../../lib/report/summary-workbook';
import type { IndicatorResult } from '../../lib/domain/schemas';

let out: string;
let printed = '';
let exitCode: number;

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'caqes-sample-'));
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed += String(chunk);
    return true;
  });
  try {
    exitCode = await main(['run', '--data', 'events/sample', '--today', '2026-02-23', '--out', out]);
  } finally {
    write.mockRestore();
  }
}, 120_000);

afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

describe('caqes run on the sample region', () => {
  it('ends with exit code 0 and a French account of files, indicators, e-mails and workbooks', () => {
    expect(exitCode).toBe(0);
    expect(printed).toContain('Fichiers reçus : 32 – 30 accepté(s), 2 refusé(s)');
    expect(printed).toContain('Indicateurs – PACA 2025 (établissements ciblés par statut)');
    expect(printed).toContain('Indicateur MO (part des UCD codées I999) – PACA 2025');
    expect(printed).toContain('Indicateur MO (part des UCD codées I999) – CORSE 2025');
    expect(printed).toMatch(/E-mails de relance envoyés : \d+/);
    expect(printed).toContain(join(out, 'summaries', '2025', 'PACA.xlsx'));
  });

  it('refuses the two bad evidence files with the row and column of each mistake', () => {
    expect(printed).toContain('u10-plan.exe – refusé : 1 erreur(s)');
    expect(printed).toContain('ligne 3, colonne « nb_ucd » : Valeur « trois » invalide');
    expect(printed).toContain('ligne 4, colonne « finess » : Le FINESS « 2B0000814 » ne correspond pas');
  });

  it('gives every establishment an MO result for both years, with its own target where it has one', async () => {
    const indicators = (JSON.parse(await readFile(join(out, 'indicators.json'), 'utf8')) as IndicatorResult[]).filter((r) => r.indicator === 'MO');
    const sites = indicators.filter((r) => r.scope === 'site');
    expect(sites.filter((r) => r.year === 2025)).toHaveLength(13);
    expect(sites.filter((r) => r.year === 2024)).toHaveLength(13);
    const icm = sites.find((r) => r.year === 2025 && r.finess === '130783012')!;
    expect(icm.target).toEqual({ comparator: '<', value: 20, source: 'establishment' });
    const statuses = new Set(sites.map((r) => r.status));
    expect([...statuses].sort()).toEqual(['met', 'not_met', 'not_targeted', 'pending']);
    expect(indicators.filter((r) => r.scope === 'contract').map((r) => r.contrat)).toEqual(['CAQES-PACA-001', 'CAQES-PACA-001']);
  });

  it('writes each e-mail with its deadline and establishment, none to those who sent everything', async () => {
    const emails = JSON.parse(await readFile(join(out, 'emails.json'), 'utf8')) as { finess: string; deadline: string; step: string; to: string[] }[];
    // Toulon-Rade sent its action plan and an accepted argumentation: it owes nothing.
    expect(emails.some((e) => e.finess === '830100012')).toBe(false);
    // Le Comtat's argumentation was refused: it is still asked for it.
    expect(emails.some((e) => e.finess === '840001010' && e.deadline === 'argumentaire_hors_amm')).toBe(true);
    expect(emails.every((e) => e.to.length > 0 && /^J[-+]\d+$/.test(e.step))).toBe(true);
  });

  it('writes each region’s summary: the workbook, with the budgets split to the cent, and the page and CSV beside it', async () => {
    const base = join(out, 'summaries', '2025', 'PACA');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(`${base}.xlsx`);
    expect(workbook.worksheets.map((ws) => ws.name)).toEqual([SUMMARY_SHEETS.overview, ...Object.values(SUMMARY_SHEETS.indicators), SUMMARY_SHEETS.budgets, SUMMARY_SHEETS.reports]);
    const mo = workbook.getWorksheet(SUMMARY_SHEETS.indicators.MO)!;
    const toulon = (mo.getColumn(2).values as unknown[]).indexOf('830100012');
    expect(mo.getCell(toulon, 10).value).toBe('Atteint');
    // The seed's 2024 budgets in the sample's parameters: the shares add up to them.
    const totals: unknown[] = [];
    workbook.getWorksheet(SUMMARY_SHEETS.budgets)!.eachRow((row) => {
      // On 23/02/2026 both budgets still depend on pending statuses (issue 18): provisional totals.
      if (row.getCell(1).value === 'Total prévisionnel') totals.push(row.getCell(7).value);
    });
    expect(totals).toEqual([126_331, 210_550.97]);
    expect(await readFile(`${base}.html`, 'utf8')).toContain('<h1>CAQES 2025 · PACA</h1>');
    expect((await readFile(`${base}.csv`, 'utf8')).split('\r\n')[0]).toBe(`\ufeff${CSV_COLUMNS.join(';')}`);
  });

  it('answers a bad command line with the usage and exit code 2', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['run'])).toBe(2);
      expect(await main(['run', '--data', 'x', '--today', '23/02/2026'])).toBe(2);
      expect(await main(['nothing'])).toBe(2);
    } finally {
      err.mockRestore();
    }
  });

  it('computes the other indicators of the sample: CPAM growth, neutralised clinics, DMI points, anomalies, the incentive', async () => {
    const indicators = JSON.parse(await readFile(join(out, 'indicators.json'), 'utf8')) as IndicatorResult[];
    const find = (indicator: string, id: string) => indicators.find((r) => r.year === 2025 && r.indicator === indicator && (r.finess === id || r.contrat === id))!;
    // Le Comtat's IPP has no CPAM reference: 55 000 € against its 2024 value of 52 000 € is +5,8 %, above 4 %.
    expect(find('IPP', '840001010')).toMatchObject({ numerator: 55_000, denominator: 52_000, status: 'not_met' });
    // The Clinique du Golfe (ex-OQN) is on OMéDIT's neutralisation list for IPP, and CPAM's value disagreeing with its numerator is kept.
    expect(find('IPP', '2A0000915')).toMatchObject({ status: 'neutralised', cpam: { value: 42_000, agrees: false } });
    // The university hospital's IPP is given for its legal entity: on the contract row.
    expect(find('IPP', '130780018')).toMatchObject({ status: 'no_data' });
    expect(find('IPP', 'CAQES-PACA-001')).toMatchObject({ scope: 'contract', numerator: 97_025, denominator: 93_500 });
    // Ajaccio-Cyrnos sent its mapping, DMI's own plan and audit: 3 points of 3 (no target in the seeds). On
    // 23/02/2026 Bastia-Golo can still send everything before 09/03: the Corse split is "prévisionnel",
    // Golo counted with the 3 points it may earn. Points × DMI implanted (PMSI): 3 × 19 and 3 × 25, so
    // 27 433 € × 57/132 = 11 846,07 € sure for Cyrnos, 15 586,93 € undecided for Golo.
    expect(find('DMI', '2A0000717')).toMatchObject({ value: 3, status: 'no_target', allocation: { budget: 'budget_dmi', amount: 11_846.07, provisional: true, undecided: false } });
    expect(find('DMI', '2B0000814')).toMatchObject({ value: 0, allocation: { amount: 15_586.93, provisional: true, undecided: true } });
    // Haute-Provence's 2025 amounts are five times its 2024 ones; Bastia-Golo has two badly coded lines.
    expect(find('MO', '040006017').anomalies.map((a) => a.code)).toEqual(['amount-jump']);
    expect(find('MO', '2B0000814').anomalies.map((a) => a.code)).toEqual(['missing-indication', 'invalid-indication']);
    // Toulon-Rade alone met MO on 23/02/2026 (plan and argumentation in, every line argued); the PACA sites
    // still pending until their deadlines keep their shares undecided: the split is "prévisionnel".
    expect(find('MO', '830100012')).toMatchObject({ status: 'met', allocation: { provisional: true, undecided: false }, initiations: { initiations: 3, patients: 6 } });
    const paca = indicators.filter((r) => r.year === 2025 && r.indicator === 'MO' && r.scope === 'site' && r.region === 'PACA' && r.allocation);
    expect(paca.some((r) => r.allocation?.undecided)).toBe(true);
    expect(Math.round(paca.reduce((a, r) => a + (r.allocation?.amount ?? 0), 0) * 100)).toBe(12_633_100);
  });
});
