/**
 * A corpus of hostile and broken files dropped into the embedded drop zone and run through the
 * real ingest: random bytes, truncated and bomb workbooks, a huge cell, deep and unclosed quoting,
 * formula cells, path-traversal and Unicode-trick names. None crashes or hangs the pipeline, each
 * is refused with a French reason a depositor can act on, and nothing else moves.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbedded, type Embedded } from '../../lib/local/embedded';
import type { ValidationReport } from '../../lib/formats/report';
import { deflatedZeros, workbook, zip } from '../helpers/archives';

const A = '130780018';
const B = '130780026';
const REFERENTIAL_HEADER = 'finess;finess_juridique;raison_sociale;region;categorie;contrat;emails';
const REFERENTIAL = [REFERENTIAL_HEADER, `${A};130780000;CHU Test – Timone;PACA;ex-DG;C1;a@chu.example`, `${B};130780000;CHU Test – Nord;PACA;ex-DG;C1;b@chu.example`, ''].join('\n');
const MO_HEADER = 'finess;annee;ucd;code_indication;nb_ucd;montant';
const PDF = '%PDF-1.4\n%%EOF\n';

/** Deterministic bytes (a linear congruential generator), so a failure can be replayed. */
function randomBytes(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

interface Case {
  key: string;
  body: () => Promise<Buffer | string> | Buffer | string;
  /** The code of the first error the depositor reads, and where it points when it points somewhere. */
  expected: { code: string; row?: number | null; column?: string | null; message?: RegExp };
}

const CORPUS: Case[] = [
  { key: 'atih/2025/mo-aleatoire.csv', body: () => randomBytes(64 * 1024, 1), expected: { code: 'binary-file' } },
  { key: 'referential/etablissements-aleatoire.xlsx', body: () => randomBytes(16 * 1024, 2), expected: { code: 'unreadable-file', message: /n’est pas un classeur \.xlsx valide/ } },
  {
    key: 'atih/2025/mo-tronque.xlsx',
    body: async () => {
      const whole = await workbook((wb) => {
        const ws = wb.addWorksheet('MO');
        ws.addRow(MO_HEADER.split(';'));
        for (let i = 0; i < 2000; i++) ws.addRow([A, 2025, '9412631', 'I999', i, i * 10]);
      });
      return whole.subarray(0, Math.floor(whole.length * 0.6));
    },
    expected: { code: 'unreadable-file' },
  },
  {
    key: 'atih/2025/mo-bombe.xlsx',
    body: async () => {
      const bomb = await deflatedZeros(300);
      return zip([
        { name: '[Content_Types].xml', data: '<Types/>' },
        { name: 'xl/workbook.xml', data: '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="MO" sheetId="1" r:id="rId1" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/></sheets></workbook>' },
        { name: 'xl/_rels/workbook.xml.rels', data: '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/></Relationships>' },
        { name: 'xl/worksheets/sheet1.xml', raw: { ...bomb, size: 1000 } },
      ]);
    },
    expected: { code: 'too-large' },
  },
  {
    key: 'atih/2025/mo-utf16.csv',
    body: () => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${MO_HEADER}\n${A};2025;9412631;I999;1;10\n`, 'utf16le')]),
    expected: { code: 'unreadable-file', row: null, message: /enregistré en UTF-16.*CSV UTF-8/ },
  },
  { key: 'atih/2025/mo-nul.csv', body: () => `${MO_HEADER}\n${A};2025;9412631;I9\u000099;1;10\n`, expected: { code: 'encoding-error', row: 2, column: 'code_indication', message: /caractère nul/ } },
  {
    // 1 MB on disk, 49 MiB of shared strings once inflated: exceljs would hold them all in memory.
    key: 'atih/2025/mo-textes-partages.xlsx',
    body: () =>
      zip([
        { name: '[Content_Types].xml', data: '<Types/>' },
        { name: 'xl/workbook.xml', data: '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="MO" sheetId="1" r:id="rId1" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/></sheets></workbook>' },
        {
          name: 'xl/_rels/workbook.xml.rels',
          data: '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/><Relationship Id="rId2" Target="sharedStrings.xml" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>',
        },
        { name: 'xl/sharedStrings.xml', data: `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${'<si><t>130780018</t></si>'.repeat(Math.ceil((49 * 1024 ** 2) / 25))}</sst>` },
        { name: 'xl/worksheets/sheet1.xml', data: '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>' },
      ]),
    expected: { code: 'too-large', row: null, message: /trop de textes distincts \(leur table dépasse 48 Mo/ },
  },
  { key: 'atih/2025/mo-cellule-geante.csv', body: () => `${MO_HEADER}\n${A};2025;9412631;I999;1;${'9'.repeat(2 * 1024 * 1024)}\n`, expected: { code: 'record-too-long', row: 2, message: /longueur maximale acceptée \(1.048.576 caractères au plus\)/ } },
  {
    key: 'atih/2025/mo-guillemets-imbriques.csv',
    // A million doubled quotes in one cell: read as one long text, then refused as a UCD code.
    body: () => `${MO_HEADER}\n${A};2025;"${'""'.repeat(500_000)}";I999;1;10\n`,
    expected: { code: 'type-error', row: 2, column: 'ucd' },
  },
  { key: 'atih/2025/mo-guillemet-ouvert.csv', body: () => `${MO_HEADER}\n${A};2025;9412631;I999;1;10\n${A};2025;"9412631;I999;1;10\n${A};2025;9412631;I999;1;10\n`, expected: { code: 'unreadable-file', row: 3 } },
  {
    key: 'atih/2025/mo-formules.csv',
    body: () => [MO_HEADER, `=1+1;2025;9412631;I999;1;10`, `${A};2025;9412631;I999;1;=HYPERLINK("http://exemple.invalid")`, `${A};2025;@SUM(A1);I999;1;10`, ''].join('\n'),
    expected: { code: 'invalid-finess', row: 2, column: 'finess' },
  },
  {
    key: 'referential/etablissements-formules.xlsx',
    // Formula cells saved without their computed value (as a script writes them): nothing to read.
    body: () =>
      workbook((wb) => {
        const ws = wb.addWorksheet('Établissements');
        ws.addRow(REFERENTIAL_HEADER.split(';'));
        ws.addRow([{ formula: 'CONCAT("13078","0018")' }, '130780000', 'CHU Test – Timone', 'PACA', 'ex-DG', 'C9', 'a@chu.example']);
      }),
    expected: { code: 'missing-value', row: 2, column: 'finess' },
  },
  // A valid referential under a traversing path: taken as the referential, it would replace it.
  { key: 'atih/2025/../../referential/etablissements.csv', body: () => [REFERENTIAL_HEADER, `${A};130780000;Autre nom;Corse;ex-DG;C1;x@pirate.example`, ''].join('\n'), expected: { code: 'unsafe-name' } },
  { key: `evidence/2025-S2/${A}/../${B}/plan_actions/u1-plan.pdf`, body: () => PDF, expected: { code: 'unsafe-name' } },
  // Reads as « u2-plangpj.pdf »… in an explorer that honours the direction override: refused for it.
  { key: `evidence/2025-S2/${A}/plan_actions/u2-plan\u202egpj.pdf`, body: () => PDF, expected: { code: 'unsafe-name', message: /sens d’écriture/ } },
  { key: `evidence/2025-S2/${A}/plan_actions/u3-plan\u0007.pdf`, body: () => PDF, expected: { code: 'unsafe-name', message: /caractères de contrôle/ } },
  { key: `referential/etablissements\\..\\..\\x.csv`, body: () => REFERENTIAL, expected: { code: 'unsafe-name' } },
  { key: `referential/${'e'.repeat(210)}.csv`, body: () => REFERENTIAL, expected: { code: 'unsafe-name', message: /200 caractères/ } },
  // Full-width digits look like A's FINESS but are not one: the path is not a drop-zone layout.
  { key: `evidence/2025-S2/${[...A].map((d) => String.fromCharCode(0xff10 + Number(d))).join('')}/plan_actions/u4-plan.pdf`, body: () => PDF, expected: { code: 'unknown-kind', message: /chemin de dépôt non reconnu/ } },
  { key: 'evidence/2025-S9/130780018/plan_actions/u5-plan.pdf', body: () => PDF, expected: { code: 'unknown-kind', message: /chemin de dépôt non reconnu/ } },
];

let embedded: Embedded;

async function put(key: string, body: Buffer | string): Promise<void> {
  const rt = embedded.runtime;
  await rt.clients.s3.send(new PutObjectCommand({ Bucket: rt.objects.bucket, Key: key, Body: body }));
}

/** What the corpus must not change: the referential, the facts, the indicators, the evidence counted. */
async function state() {
  const rt = embedded.runtime;
  return {
    establishments: await rt.referential.allEstablishments(),
    targetings: await rt.referential.listTargetings('PACA', 2025),
    deadlines: await rt.referential.listDeadlines(),
    facts: await rt.facts.listMoFacts('PACA', 2025),
    results: [...(await rt.results.list('PACA', 2025)), ...(await rt.results.list('Corse', 2025))],
    evidence: (await rt.evidence.list('PACA', '2025-S2')).filter((e) => e.status === 'accepted'),
  };
}

let before: Awaited<ReturnType<typeof state>>;
const reports = new Map<string, ValidationReport | null>();

beforeAll(async () => {
  embedded = await startEmbedded();
  await put('referential/etablissements.csv', REFERENTIAL);
  await put('referential/ciblage-2025.csv', `finess;indicateur\n${A};MO\n${B};MO\n`);
  await put('referential/calendrier-2025.csv', 'campagne;echeance;date;indicateur;documents;libelle\n2025-S2;retour_preuves;09/03/2026;MO;plan_actions;Retour des preuves\n');
  await put('atih/2025/mo-2025.csv', `${MO_HEADER}\n${A};2025;9412631;I999;19;190\n${A};2025;9412631;I000125;81;810\n${B};2025;9412631;I999;30;300\n${B};2025;9412631;I000125;70;700\n`);
  await put(`evidence/2025-S2/${A}/plan_actions/u0-plan.pdf`, PDF);
  await embedded.drain();
  before = await state();
  expect(before.results.filter((r) => r.indicator === 'MO' && r.scope === 'site').map((r) => r.value)).toEqual([19, 30]);

  for (const c of CORPUS) await put(c.key, await c.body());
  await embedded.drain();
  for (const c of CORPUS) {
    const [record] = await embedded.runtime.fileEvents.list(c.key);
    reports.set(c.key, record?.reportKey ? JSON.parse((await embedded.runtime.objects.readBuffer(record.reportKey)).toString('utf8')) : null);
  }
}, 120_000);

afterAll(async () => {
  await embedded?.stop();
});

describe('a corpus of broken and hostile files', () => {
  it('crashes nothing: no message kept failing', () => {
    expect(embedded.deadLetters()).toEqual([]);
  });

  it.each(CORPUS.map((c) => [JSON.stringify(c.key).slice(0, 70), c] as const))('%s is refused with its reason', (_, c) => {
    const report = reports.get(c.key);
    expect(report, 'no report').toBeTruthy();
    expect(report!.status).toBe('rejected');
    const first = report!.issues.find((i) => i.severity === 'error')!;
    expect(first).toMatchObject({ code: c.expected.code, ...(c.expected.row !== undefined ? { row: c.expected.row } : {}), ...(c.expected.column !== undefined ? { column: c.expected.column } : {}) });
    // A French sentence, not an exception's text.
    expect(first.message).toMatch(/^[A-ZÀ-Ü][^\n]*\.$/u);
    expect(first.message).not.toMatch(/Error|undefined|null|\[object/);
    if (c.expected.message) expect(first.message).toMatch(c.expected.message);
  });

  it('points at every formula cell of the extract, row and column', () => {
    const issues = reports.get('atih/2025/mo-formules.csv')!.issues.filter((i) => i.severity === 'error');
    expect(issues.map((i) => `${i.row}:${i.column}`)).toEqual(['2:finess', '3:montant', '4:ucd']);
  });

  it('changes nothing else: referential, facts, indicators and evidence as before', async () => {
    expect(await state()).toEqual(before);
  });
});
