/** `caqes summary`: the sample region's Corse summary through the command line, and its usage errors. */
import { readFile, mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summaryPaths, summaryYear } from '../../lib/cli/summary';
import { SUMMARY_SHEETS } from '../../lib/report/summary-workbook';
import { runCaqes } from '../helpers/cli';

let dir: string;

const run = (...args: string[]) => runCaqes('summary', ...args);

let sample: Awaited<ReturnType<typeof run>>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'caqes-summary-cli-'));
  // The region is written as a reader would type it; the campaign is a semester, meaning its year.
  sample = await run('--campaign', '2025-S2', '--region', 'Corse', '--out', join(dir, 'synthese', 'CORSE-2025.xlsx'), '--csv', join(dir, 'export.csv'), '--today', '2026-02-23');
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('caqes summary', () => {
  it('builds the workbook, the page beside it and the CSV where asked, and says so in French', () => {
    expect(sample.err).toBe('');
    expect(sample.code).toBe(0);
    expect(sample.out).toBe(
      [
        'Synthèse CAQES 2025 – CORSE, situation au 23/02/2026 :',
        `  Classeur : ${join(dir, 'synthese', 'CORSE-2025.xlsx')}`,
        `  Page visuelle (une page A4) : ${join(dir, 'synthese', 'CORSE-2025.html')}`,
        `  Export CSV des indicateurs : ${join(dir, 'export.csv')}`,
        '',
      ].join('\n'),
    );
  });

  it('writes Corse’s figures: four MO sites against < 10 %, only Ajaccio-Cyrnos scoring DMI points, budgets split provisionally', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(dir, 'synthese', 'CORSE-2025.xlsx'));
    expect(wb.worksheets.map((ws) => ws.name)).toEqual([SUMMARY_SHEETS.overview, ...Object.values(SUMMARY_SHEETS.indicators), SUMMARY_SHEETS.budgets, SUMMARY_SHEETS.reports]);
    const mo = wb.getWorksheet('MO')!;
    expect([4, 5, 6, 7].map((r) => mo.getCell(r, 9).value)).toEqual(['< 10 %', '< 10 %', '< 10 %', '< 10 %']);
    const budgets = wb.getWorksheet(SUMMARY_SHEETS.budgets)!;
    const totals: unknown[] = [];
    const dmiPoints: unknown[][] = [];
    budgets.eachRow((row) => {
      // Provisional budgets (issue 18): on 23/02/2026 some statuses are still pending, so each split is
      // 'Total prévisionnel', never 'Total réparti', and a pending site's share is counted as if met.
      if (row.getCell(1).value === 'Total prévisionnel') totals.push(row.getCell(7).value);
      if (row.getCell(4).value === 'Sans objectif') dmiPoints.push([row.getCell(2).value, row.getCell(5).value, row.getCell(7).value]);
    });
    // The seed's 2024 budgets, in the sample's parameters, both split in full provisionally:
    // MO 20 576 € to Ajaccio-Cyrnos, Balagne and Golfe (pending, < 10 % but their argumentation not yet due)
    // pro rata of their valued amount (20 576 × 9 912 538,25 / 16 718 897,55 = 12 199,39 € to Ajaccio), Bastia-Golo not met, 0;
    // DMI 27 433 €: Ajaccio-Cyrnos alone scored DMI points (3 of 3); Bastia-Golo's 0 is pending (its pieces are due
    // 09/03/2026), counted as if met: 11 846,07 € + 15 586,93 € pro rata of points × DMI posés.
    expect(totals).toEqual([20_576, 27_433]);
    expect(dmiPoints).toEqual([
      ['2A0000717', 3, 11_846.07],
      ['2B0000814', 0, 15_586.93],
    ]);
    const html = await readFile(join(dir, 'synthese', 'CORSE-2025.html'), 'utf8');
    expect(html).toContain('<h1>CAQES 2025 · CORSE</h1>');
    const csv = await readFile(join(dir, 'export.csv'));
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.toString('utf8')).toContain('"MO";');
  });

  it('answers a bad command line with the reason, the usage and exit code 2', async () => {
    const cases: [string[], string][] = [
      [['--region', 'PACA', '--out', 'x.xlsx'], '--campaign est obligatoire'],
      [['--campaign', '2025-S3', '--region', 'PACA', '--out', 'x.xlsx'], '--campaign attend une campagne AAAA, AAAA-S1 ou AAAA-S2 (reçu « 2025-S3 »)'],
      [['--campaign', '2025', '--out', 'x.xlsx'], '--region est obligatoire'],
      [['--campaign', '2025', '--region', 'PACA', '--out', 'x.csv'], '--out attend un classeur .xlsx'],
      [['--campaign', '2025', '--region', 'PACA'], '--out est obligatoire'],
      [['--campaign', '2025', '--region', 'PACA', '--out', 'x.xlsx', '--data', join(dir, 'nowhere')], '--data : dossier introuvable'],
      [['--campaign', '2025', '--region', 'PACA', '--out', 'x.xlsx', '--today', '23/02/2026'], '--today attend une date AAAA-MM-JJ'],
      [['--campaign', '2025', '--region', 'PACA', '--out', 'x.xlsx', '--bogus'], "Unknown option '--bogus'"],
    ];
    for (const [args, message] of cases) {
      const { code, err, out } = await run(...args);
      expect(code, args.join(' ')).toBe(2);
      expect(err, args.join(' ')).toContain(message);
      expect(err).toContain('summary --campaign C --region R --out FICHIER.xlsx');
      expect(out).toBe('');
    }
  });

  it('names the regions and years a folder has when asked for another', async () => {
    const zone = join(dir, 'zone');
    await mkdir(join(zone, 'referential'), { recursive: true });
    await writeFile(join(zone, 'referential', 'etablissements.csv'), 'finess;finess_juridique;raison_sociale;region;categorie;contrat;emails\n130786049;130786049;AP-HM;PACA;ex-DG;C1;a@ap-hm.example\n');
    await writeFile(join(zone, 'referential', 'ciblage-2025.csv'), 'finess;indicateur\n130786049;MO\n');
    const unknown = await run('--campaign', '2025', '--region', 'IDF', '--out', join(dir, 'x.xlsx'), '--data', zone);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('région inconnue : « IDF » (régions du dossier : PACA)');
    const year = await run('--campaign', '2023', '--region', 'PACA', '--out', join(dir, 'x.xlsx'), '--data', zone);
    expect(year.code).toBe(2);
    expect(year.err).toContain('aucune donnée pour PACA en 2023 (années du dossier : 2025)');
  }, 30_000);

  it('reads a campaign as its year, and puts the page and CSV beside the workbook by default', () => {
    expect(summaryYear('2025')).toBe(2025);
    expect(summaryYear('2025-S1')).toBe(2025);
    expect(summaryPaths({ out: 'out/PACA.XLSX' })).toEqual({ xlsx: 'out/PACA.XLSX', html: 'out/PACA.html', csv: 'out/PACA.csv' });
    expect(summaryPaths({ out: 'a.xlsx', html: 'p.html' })).toEqual({ xlsx: 'a.xlsx', html: 'p.html', csv: 'a.csv' });
  });
});
