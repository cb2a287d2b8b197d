/**
 * Open PHMEV read as published, on the real 302-line extract of test/fixtures (from shared/samples): every figure below
 * was summed by hand from its lines (see the comments).
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { withFinessKey } from '../../lib/domain/finess';
import type { Establishment, PhmevFact } from '../../lib/domain/schemas';
import { recognise } from '../../lib/formats/registry';
import { validateFile } from '../../lib/formats/validate';
import { parseDropKey } from '../../lib/store/keys';

const SAMPLE = fileURLToPath(new URL('../fixtures/open_phmev_2024_extrait.csv', import.meta.url));

// The CHU de Toulouse (FINESS juridique 310781406) as a legal entity of two sites of one contract;
// the CH du Havre-like 760780726 and the CH de Brive 190000042 as sites; 750100208 as the FINESS
// juridique of a single site.
const toulouse1 = withFinessKey('31000011');
const toulouse2 = withFinessKey('31000012');
const single = withFinessKey('75010099');
const site = (finess: string, finessJuridique: string, contrat: string): [string, Establishment] => [
  finess,
  { finess, finessJuridique, raisonSociale: finess, region: 'OCC', categorie: 'ex-DG', contrat, emails: [] },
];
const REFERENTIAL = new Map([
  site(toulouse1, '310781406', 'CHU-TLS'),
  site(toulouse2, '310781406', 'CHU-TLS'),
  site('760780726', '760780007', 'C2'),
  site('190000042', '190000000', 'C3'),
  site(single, '750100208', 'C4'),
]);

async function read() {
  const key = 'cpam/2024/OPEN_PHMEV_2024.CSV';
  const dropKey = parseDropKey(key)!;
  return validateFile(
    { fileName: dropKey.fileName, size: (await stat(SAMPLE)).size, open: async () => createReadStream(SAMPLE, { highWaterMark: 4096 }) },
    recognise(dropKey),
    { source: { key, version: 'v1' }, fileName: dropKey.fileName, year: 2024, campaign: null, finess: null, establishments: REFERENTIAL },
  );
}

describe('OPEN_PHMEV_<year>.CSV', () => {
  it('is recognised and read whole: Windows-1252, 302 lines, no issue, no warning for its 21 unread columns', async () => {
    const v = await read();
    expect(v).toMatchObject({ kind: 'open-phmev', format: 'csv', encoding: 'windows-1252', delimiter: ';', rowsRead: 302 });
    expect(v.issues.listed).toEqual([]);
    // Lines of the five establishments of the referential: 10 + 3 + 1 + 2.
    expect(v.rowsAccepted).toBe(16);
  });

  it('sums medicines, dispensing fees apart, proton pump inhibitors and boxes by TOP_GEN, per site or legal entity', async () => {
    const v = await read();
    expect(v.output?.type).toBe('phmev-facts');
    const facts = (v.output as { facts: PhmevFact[] }).facts;
    const byFiness = (f: string) => facts.find((x) => x.finess === f)!;

    // CHU de Toulouse, 10 lines, given for its legal entity: 361 262,55 € reimbursed, 29 421 boxes, of which
    // 5 119 generics (1) and 1 901 originators (4) in the repertoire, 21 218 outside (0), 1 183 biosimilars (B);
    // one proton pump inhibitor line, OMEPRAZOLE 10 mg, 17,78 € for 8 boxes.
    const tls = byFiness('310781406');
    expect(tls).toMatchObject({ level: 'entity', region: 'OCC', year: 2024, lines: 10, fees: { rem: 0, bse: 0 } });
    expect(tls.medicines.rem).toBeCloseTo(361_262.55, 2);
    expect(tls.medicines.bse).toBeCloseTo(379_775.53, 2);
    expect(tls.medicines.boxes).toBe(29_421);
    expect(tls.ipp).toEqual({ rem: 17.78, bse: 27.36, boxes: 8 });
    expect(tls.generics).toEqual({ repertoire: 7_020, generic: 5_119, outside: 21_218, unknown: 0 });
    expect(tls.biosimilars).toEqual({ biosimilar: 1_183, reference: 0 });

    // 760780726, 3 lines: PANTOPRAZOLE 20 mg 6 384,88 € for 1 898 generic boxes; 1 591 reference biologics (C).
    const site760 = byFiness('760780726');
    expect(site760).toMatchObject({ level: 'site', lines: 3, generics: { repertoire: 1_898, generic: 1_898, outside: 1_236, unknown: 0 }, biosimilars: { biosimilar: 0, reference: 1_591 } });
    expect(site760.ipp).toEqual({ rem: 6_384.88, bse: 7_222.93, boxes: 1_898 });

    // CH de Brive: its only line is the dispensing fees, 424 097,30 € on a base of 537 919,70 €, and no medicine.
    expect(byFiness('190000042')).toMatchObject({ fees: { rem: 424_097.3, bse: 537_919.7 }, medicines: { rem: 0, bse: 0, boxes: 0 } });

    // 750100208: 1 006 boxes of a pack not given (TOP_GEN 9), counted apart, and 95 generic boxes.
    expect(byFiness('750100208')).toMatchObject({ level: 'entity', generics: { repertoire: 95, generic: 95, outside: 0, unknown: 1_006 } });
  });

  it('says in the report how each TOP_GEN and GEN_NUM value was read, and what was left out', async () => {
    const v = await read();
    const notes = (v.output as { notes: string[] }).notes;
    expect(notes[0]).toBe(
      'TOP_GEN lu ainsi : « 0 » hors répertoire des génériques (130 lignes) ; « 1 » générique (106 lignes) ; « 4 » princeps (référent du répertoire des génériques) (37 lignes) ; « 9 » non restitué (17 lignes) ; « B » biosimilaire (5 lignes) ; « C » médicament biologique de référence (7 lignes). Répertoire des génériques = « 1 » et « 4 » ; biosimilaires = « B » face à « C ».',
    );
    expect(notes[1]).toBe('GEN_NUM : aucun groupe (179 lignes) ; numéro de groupe (73 lignes) ; non restitué (17 lignes) ; vide (33 lignes) ; il n’entre pas dans les calculs, TOP_GEN seul classe les boîtes.');
    // 181 establishments in the extract, 4 of them in the referential (Toulouse counted once, as an entity).
    expect(notes[3]).toBe('177 établissement(s) de la base absents du référentiel : leurs lignes sont ignorées.');
  });

  it('counts as proton pump inhibitors the lines of ATC4 A02BC or of an ATC5 within it, however the code is cased, and no other', async () => {
    const lines = [
      'atc4;ATC5;CIP13;l_cip13;TOP_GEN;GEN_NUM;etb_rgt;BOITES;REM;BSE',
      'A02BC;;3400930000001;PANTOPRAZOLE;1;0;760780726;1;1;1',
      ';a02bc05;3400930000002;ESOMEPRAZOLE;1;0;760780726;2;2;2',
      'a02bc;A02BC01;3400930000003;OMEPRAZOLE;1;0;760780726;4;4;4',
      'A02BCX;;3400930000004;CODE ATC4 TROP LONG;1;0;760780726;8;8;8',
      'A02BA;A02BA01;3400930000005;CIMETIDINE;1;0;760780726;16;16;16',
      ';A02B;3400930000006;CODE ATC5 TROP COURT;1;0;760780726;32;32;32',
    ];
    const bytes = Buffer.from(`${lines.join('\r\n')}\r\n`, 'latin1');
    const key = 'cpam/2024/OPEN_PHMEV_2024.CSV';
    const dropKey = parseDropKey(key)!;
    const v = await validateFile(
      { fileName: dropKey.fileName, size: bytes.length, open: async () => Readable.from([bytes]) },
      recognise(dropKey),
      { source: { key, version: 'v1' }, fileName: dropKey.fileName, year: 2024, campaign: null, finess: null, establishments: REFERENTIAL },
    );
    const [fact] = (v.output as { facts: PhmevFact[] }).facts;
    expect(fact?.ipp).toEqual({ rem: 7, bse: 7, boxes: 7 });
    expect(fact?.medicines.boxes).toBe(63);
  });
});
