/**
 * The whole pipeline on the embedded default (s3rver, dynalite and the local SES endpoint on loopback), on a
 * small drop zone whose every number is computed by hand below.
 */
import { mkdtemp, mkdir, readFile, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOnEmbedded, type RunResult } from '../../lib/cli/run';
import { startEmbedded, type Embedded } from '../../lib/local/embedded';
import { IndicatorResult } from '../../lib/domain/schemas';

// Sites: two of one contract (C1, own target < 20 %), one PACA site (< 15 %), one Corse site (< 10 %).
const A = '130780018';
const B = '130780026';
const C = '830100012';
const D = '2A0000717';

const files: Record<string, string | Buffer> = {
  'referential/etablissements.csv': iconv.encode(
    [
      'finess;finess_juridique;raison_sociale;region;categorie;contrat;emails',
      `${A};130780000;CHU Test – Timone;PACA;ex-DG;C1;a@chu.example`,
      `${B};130780000;CHU Test – Nord;PACA;ex-DG;C1;b@chu.example`,
      `${C};830100004;Hôpital de Toulon-Test;PACA;ex-DG;C2;c@ch.example, c2@ch.example`,
      `${D};2A0000709;Hôpital d’Ajaccio-Test;Corse;ex-DG;C3;d@ch.example`,
      '',
    ].join('\r\n'),
    'win1252',
  ),
  'referential/ciblage-2025.csv': ['finess;indicateur', `${A};MO`, `${B};MO`, `${C};MO`, `${D};MO`, `${D};DMI`, ''].join('\n'),
  'referential/objectifs-2025.csv': ['indicateur;region;finess;comparateur;cible', `MO;PACA;${A};<;20`, `MO;PACA;${B};<;20`, ''].join('\n'),
  'referential/calendrier-2025.csv': [
    'campagne;echeance;date;indicateur;documents;libelle',
    '2025-S2;retour_preuves;09/03/2026;MO;plan_actions;Retour des éléments de preuve du semestre 2',
    '',
  ].join('\n'),
  // A: 38 I999 of 200 UCD = 19 %; B: 21 of 100 = 21 % (9 AMM miroir); C: 15 of 100 = 15 %; D: 9 of 100 = 9 %.
  // Amounts: 100 € per UCD, written with French separators.
  'atih/2025/mo-2025.csv': [
    'finess;annee;mois;ucd;libelle;code_indication;nb_ucd;montant',
    `${A};2025;1;9412631;IG;I999;38;3 800,00`,
    `${A};2025;1;9412631;IG;I000125;162;16 200,00`,
    `${B};2025;;9412631;IG;I999999;21;2 100,00`,
    `${B};2025;;9412631;IG;I997001;9;900,00`,
    `${B};2025;;9412631;IG;I000125;70;7 000,00`,
    `${C};2025;3;3400893826631;RITUXIMAB;I999;15;1 500,00`,
    `${C};2025;3;3400893826631;RITUXIMAB;I000313;85;8 500,00`,
    `${D};2025;12;9385412;TRASTUZUMAB;I999;9;900,00`,
    `${D};2025;12;9385412;TRASTUZUMAB;I000487;91;9 100,00`,
    '',
  ].join('\n'),
  [`evidence/2025-S2/${A}/plan_actions/u1-plan.pdf`]: '%PDF-1.4\n%%EOF\n',
  [`evidence/2025-S2/${C}/plan_actions/u2-plan.exe`]: 'MZ binary',
  // "100% prescriptions hors AMM argumentées": A, B and D argue every I999 UCD ATIH shows for their year.
  ...Object.fromEntries(
    ([[A, '9412631', 38], [B, '9412631', 21], [D, '9385412', 9]] as const).map(([finess, ucd, units]) => [
      `evidence/2025/${finess}/argumentaire_hors_amm/u3-argumentaire.csv`,
      ['finess;ucd;libelle;code_indication;nb_ucd;argumentaire;amm_miroir;exclusion', `${finess};${ucd};X;I999;${units};Décision de RCP;;non`, ''].join('\n'),
    ]),
  ),
};

let dataDir: string;
let outDir: string;
let embedded: Embedded;
let first: RunResult;

function mo(result: RunResult, id: string): IndicatorResult {
  const found = result.indicators.find((r) => r.indicator === 'MO' && r.year === 2025 && (r.finess === id || (r.scope === 'contract' && r.contrat === id)));
  if (!found) throw new Error(`no MO result for ${id}`);
  return found;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'caqes-data-'));
  outDir = await mkdtemp(join(tmpdir(), 'caqes-out-'));
  for (const [key, body] of Object.entries(files)) {
    await mkdir(dirname(join(dataDir, key)), { recursive: true });
    await writeFile(join(dataDir, key), body);
  }
  embedded = await startEmbedded();
  first = await runOnEmbedded(embedded, { dataDir, today: '2026-02-23', outDir: join(outDir, 'first') });
}, 60_000);

afterAll(async () => {
  await embedded?.stop();
  await rm(dataDir, { recursive: true, force: true });
  await rm(outDir, { recursive: true, force: true });
});

describe('a run on the embedded default', () => {
  it('accepts the referential and the extract, refuses the executable with its reason', () => {
    const status = Object.fromEntries(first.files.map((f) => [f.key, f.report?.status]));
    expect(status).toEqual({
      'atih/2025/mo-2025.csv': 'accepted',
      [`evidence/2025-S2/${A}/plan_actions/u1-plan.pdf`]: 'accepted',
      [`evidence/2025/${A}/argumentaire_hors_amm/u3-argumentaire.csv`]: 'accepted',
      [`evidence/2025/${B}/argumentaire_hors_amm/u3-argumentaire.csv`]: 'accepted',
      [`evidence/2025/${D}/argumentaire_hors_amm/u3-argumentaire.csv`]: 'accepted',
      [`evidence/2025-S2/${C}/plan_actions/u2-plan.exe`]: 'rejected',
      'referential/calendrier-2025.csv': 'accepted',
      'referential/ciblage-2025.csv': 'accepted',
      'referential/etablissements.csv': 'accepted',
      'referential/objectifs-2025.csv': 'accepted',
    });
    const refused = first.files.find((f) => f.key.endsWith('.exe'))!.report!;
    expect(refused.issues[0]).toMatchObject({ code: 'unknown-kind', severity: 'error' });
    expect(refused.issues[0]!.message).toContain('« .exe » non acceptée');
    const referential = first.files.find((f) => f.key === 'referential/etablissements.csv')!.report!;
    expect(referential).toMatchObject({ encoding: 'windows-1252', delimiter: ';', rowsRead: 4, rowsAccepted: 4 });
  });

  it('computes the MO share of each site against its own, regional or built-in target', () => {
    expect(mo(first, A)).toMatchObject({ numerator: 38, denominator: 200, value: 19, status: 'met', target: { comparator: '<', value: 20, source: 'establishment' } });
    expect(mo(first, A).amounts).toEqual({ total: 20_000, horsAmm: 3_800 });
    expect(mo(first, B)).toMatchObject({ numerator: 21, denominator: 100, value: 21, status: 'not_met' });
    // 15 % is not below 15 %.
    expect(mo(first, C)).toMatchObject({ numerator: 15, denominator: 100, value: 15, status: 'not_met', target: { value: 15, source: 'default' } });
    // 9 % meets Corse's < 10 %, but D's action plan, owed for MO on 09/03/2026, has not come yet.
    expect(mo(first, D)).toMatchObject({ numerator: 9, value: 9, status: 'pending', target: { value: 10, source: 'default' } });
    expect(mo(first, D).evidence).toEqual([
      { kind: 'plan_actions', campaign: '2025-S2', deadline: 'retour_preuves', due: '2026-03-09', status: 'awaited', fileName: null, receivedAt: null },
    ]);
    // A's plan was dropped on the day of the run, 23/02/2026, before its deadline.
    expect(mo(first, A).evidence[0]).toMatchObject({ status: 'in_time', fileName: 'plan.pdf', receivedAt: '2026-02-23T06:00:00.000Z' });
    expect(mo(first, A).inputs).toEqual([
      { key: 'atih/2025/mo-2025.csv', version: expect.stringMatching(/^etag:/) },
      { key: expect.stringMatching(/^evidence\/2025\/130780018\/argumentaire_hors_amm\/.*u3-argumentaire\.csv$/), version: expect.stringMatching(/^etag:/) },
    ]);
    expect(mo(first, A).components[1]).toMatchObject({ id: 'argued', numerator: 38, denominator: 38, value: 100, status: 'met' });
  });

  it('gives the two-site contract the sum of its sites, not the average of their rates', () => {
    // (38 + 21) / (200 + 100) = 19.67 % < 20 %: reached; the mean of 19 % and 21 % would be 20 %, not.
    // Pending all the same: B's action plan is still awaited, and a contract is as far as its least advanced site.
    const contract = mo(first, 'C1');
    expect(contract).toMatchObject({ scope: 'contract', numerator: 59, denominator: 300, status: 'pending' });
    expect(contract.value).toBeCloseTo(19.667, 3);
  });

  it('writes indicators.json, emails.json and one report per file', async () => {
    const indicators = JSON.parse(await readFile(join(outDir, 'first', 'indicators.json'), 'utf8')) as unknown[];
    expect(indicators.map((i) => IndicatorResult.parse(i))).toHaveLength(first.indicators.length);
    const emails = JSON.parse(await readFile(join(outDir, 'first', 'emails.json'), 'utf8')) as { to: string[] }[];
    expect(emails.map((e) => e.to.join(',')).sort()).toEqual(['b@chu.example', 'c@ch.example,c2@ch.example', 'd@ch.example']);
    const report = JSON.parse(await readFile(join(outDir, 'first', 'reports', 'atih/2025/mo-2025.csv.json'), 'utf8')) as { status: string; rowsAccepted: number };
    expect(report).toMatchObject({ status: 'accepted', rowsAccepted: 9 });
  });

  it('reminds, 14 days before the deadline, each targeted site that has not sent its action plan', async () => {
    const byFiness = Object.fromEntries(first.emails.map((e) => [e.finess, e]));
    expect(Object.keys(byFiness).sort()).toEqual([B, C, D].sort());
    const toulon = byFiness[C]!;
    expect(toulon).toMatchObject({ step: 'J-14', deadline: 'retour_preuves', deadlineDate: '2026-03-09', campaign: '2025-S2' });
    expect(toulon.subject).toBe('CAQES 2025-S2 : Retour des éléments de preuve du semestre 2 au plus tard le 09/03/2026 – Hôpital de Toulon-Test');
    expect(toulon.text).toContain('à déposer au plus tard le 09/03/2026 (dans 14 jours)');
    expect(toulon.text).toContain('  - Plan d’actions (fichier « plan.exe » reçu mais refusé : Type de fichier non reconnu : extension « .exe » non acceptée');
    // The personal link: the establishment's page, its signed token (FINESS, campaign, region) in the fragment.
    const token = /Déposez vos documents sur votre lien personnel : \S+\/depot#(v1\.[\w-]+\.[\w-]+)\n/.exec(toulon.text)?.[1];
    expect(JSON.parse(Buffer.from(token!.split('.')[1]!, 'base64url').toString('utf8'))).toMatchObject({ finess: C, campaign: '2025-S2', region: 'PACA' });
    // The e-mails are read back from the local SES: what it received is what was sent.
    const received = await embedded.sentEmails();
    expect(received.map((m) => m.subject).sort()).toEqual(first.emails.map((e) => e.subject).sort());
  });

  it('builds the region workbooks with the MO sheet in numbers', async () => {
    const paca = first.summaries.find((s) => s.region === 'PACA' && s.year === 2025)!;
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(paca.path);
    const sheet = workbook.getWorksheet('MO')!;
    const rows: unknown[][] = [];
    sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    const toulon = rows.find((r) => r.includes(C))!;
    expect(toulon).toContain(100);
    expect(toulon).toContain('Non atteint');
    expect(first.summaries.map((s) => `${s.year}/${s.region}`).sort()).toEqual(['2025/CORSE', '2025/PACA']);
  });

  it('sends nothing twice when the same day is run again, even with every file dropped again', async () => {
    const again = await runOnEmbedded(embedded, { dataDir, today: '2026-02-23', outDir: join(outDir, 'again') });
    expect(again.emails).toEqual([]);
    expect(again.alreadySent).toBe(3);
    expect((await embedded.sentEmails()).length).toBe(3);
    expect(mo(again, A)).toMatchObject({ numerator: 38, denominator: 200, value: 19 });
  }, 60_000);

  it('sends the step after the deadline once, to those who still owe', async () => {
    const late = await runOnEmbedded(embedded, { dataDir, today: '2026-03-10', outDir: join(outDir, 'late') });
    expect(late.emails.map((e) => `${e.finess}:${e.step}`).sort()).toEqual([`${B}:J+1`, `${C}:J+1`, `${D}:J+1`].sort());
    expect(late.emails[0]!.text).toContain('était fixée au 09/03/2026 (depuis 1 jour)');
    expect(late.deadLetters).toEqual([]);
  }, 60_000);
});
