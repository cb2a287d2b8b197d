import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { cpamPhevFormat } from '../../lib/formats/kinds/cpam-phev';
import { readTabular } from '../../lib/formats/tabular';
import { openXlsx } from '../../lib/io/xlsx-reader';
import { workbook } from '../helpers/archives';
import { cpamValueAgrees } from '../../lib/domain/cpam-indicators';
import type { Establishment } from '../../lib/domain/schemas';
import { context, cp1252, read, where, payload } from './helpers';

// Two sites of one legal entity (AP-HM-like) and a single-site clinic.
const TIMONE = '130780018';
const NORD = '130780026';
const APHM_JURIDIQUE = '130780000';
const CLINIQUE = '130004013';
const site = (finess: string, finessJuridique: string, categorie: Establishment['categorie'] = 'ex-DG'): [string, Establishment] => [
  finess,
  { finess, finessJuridique, raisonSociale: finess, region: 'PACA', categorie, contrat: 'C1', emails: [] },
];
const KNOWN = new Map([site(TIMONE, APHM_JURIDIQUE), site(NORD, APHM_JURIDIQUE), site(CLINIQUE, '130004005', 'ex-OQN')]);
const HEADER = 'finess;indicateur;periode;numerateur;denominateur;valeur;valeur_reference';
const SOURCE = { key: 'test/file.csv', version: 'v1' };

describe('cpam/<year>/phev-*.csv', () => {
  it('one fact per establishment, indicator and period; a FINESS juridique is an entity-level value', async () => {
    const out = await read(
      cpamPhevFormat,
      cp1252([
        HEADER,
        `${TIMONE};IPP;2025;1 234 567,89;;;1 180 000`, // amount only, with its reference
        `${APHM_JURIDIQUE};GENERIQUES;2025-S1;4 550;10 000;45,5;`, // rate in %, given for the legal entity
        `${CLINIQUE};TRANSPORTS;2025 S2;12;48;0,25;`, // rate as a fraction; "2025 S2" written with a space
      ]),
      { year: 2025, establishments: KNOWN },
    );
    expect(out.list).toEqual([]);
    expect(payload(out.output)).toEqual([
      { region: 'PACA', year: 2025, indicator: 'IPP', period: '2025', finess: TIMONE, level: 'site', numerator: 1_234_567.89, denominator: null, cpamValue: null, referenceValue: 1_180_000, source: SOURCE, replaced: [] },
      { region: 'PACA', year: 2025, indicator: 'GENERIQUES', period: '2025-S1', finess: APHM_JURIDIQUE, level: 'entity', numerator: 4550, denominator: 10_000, cpamValue: 45.5, referenceValue: null, source: SOURCE, replaced: [] },
      { region: 'PACA', year: 2025, indicator: 'TRANSPORTS', period: '2025-S2', finess: CLINIQUE, level: 'site', numerator: 12, denominator: 48, cpamValue: 0.25, referenceValue: null, source: SOURCE, replaced: [] },
    ]);
  });

  it('a CPAM value that disagrees with numerator / denominator is reported, both values kept', async () => {
    // 4 550 / 10 000 = 45,5 %: 47,0 is 1,5 points away.
    const out = await read(cpamPhevFormat, cp1252([HEADER, `${TIMONE};GENERIQUES;2025;4550;10000;47,0;`]), { year: 2025, establishments: KNOWN });
    expect(where(out.list)).toEqual(['warning inconsistent-value@2:valeur']);
    expect(out.list[0]!.message).toBe('Valeur « 47 » de la colonne « valeur » incohérente : le calcul numérateur / dénominateur donne 45,50 % ; les deux valeurs sont conservées.');
    expect(payload(out.output)).toMatchObject([{ cpamValue: 47, numerator: 4550, denominator: 10_000 }]);
  });

  it('without a denominator the CPAM value is the numerator itself: a different one is reported', async () => {
    const out = await read(cpamPhevFormat, cp1252([HEADER, `${TIMONE};IPP;2025;43 225;;42 000;40 100`]), { year: 2025, establishments: KNOWN });
    expect(out.list[0]!.message).toBe(
      'Valeur « 42\u202f000 » de la colonne « valeur » incohérente : sans dénominateur, la valeur est le numérateur, 43\u202f225 ; les deux valeurs sont conservées.',
    );
  });

  it('issue 18: a growth’s reference on another scale than its measure is an inconsistent-value warning in the report (formats.md: "`valeur_reference` is the same measure for the reference period, on the same scale")', async () => {
    const out = await read(
      cpamPhevFormat,
      cp1252([
        HEADER,
        `${TIMONE};PERFADOM;2025;109 082;;;0,1`, // line 2: an amount against a reference rate
        `${NORD};PERFADOM;2025;1 200;10 000;12;0,1`, // line 3: 0,12 against 0,10, same scale: +20 %
        `${CLINIQUE};TRANSPORTS;2025;1 100;;;100`, // line 4: +1 000 %, the bound, read
        `${TIMONE};GENERIQUES;2025;4 550;10 000;;9`, // line 5: a ratio: its reference is not checked
      ]),
      { year: 2025, establishments: KNOWN },
    );
    expect(where(out.list)).toEqual(['warning inconsistent-value@2:valeur_reference']);
    expect(out.list[0]!.message).toBe(
      'Valeur « 0,10 » de la colonne « valeur_reference » incohérente : sans dénominateur, la mesure est le montant 109\u202f082 ; évolution de +109\u202f081\u202f900 %, hors de ±1 000 % : la référence n’est pas sur l’échelle de la mesure (un taux contre un montant ?) ; l’indicateur sera sans valeur.',
    );
    expect(payload(out.output)).toHaveLength(4);
  });

  it('periods outside the drop folder’s year, bad periods, duplicates and conflicts', async () => {
    const out = await read(
      cpamPhevFormat,
      cp1252([
        HEADER,
        `${TIMONE};IPP;2024;100;;;`, // line 2: cpam/2025 holds 2025 only
        `${TIMONE};IPP;2025-T3;100;;;`, // line 3: not a period
        `${TIMONE};PERFADOM;2025;100;;;`, // line 4
        `${TIMONE};PERFADOM;2025;100;;;`, // line 5: the same row again → warning
        `${TIMONE};PERFADOM;2025;120;;;`, // line 6: another value for the same thing → error
        `${TIMONE};IPP;2025;100;-5;;`, // line 7: negative denominator
        `440053643;IPP;2025;100;;;`, // line 8: neither a site nor a legal entity of the region
      ]),
      { year: 2025, establishments: KNOWN },
    );
    expect(where(out.list)).toEqual([
      'error period-outside-campaign@2:periode',
      'error type-error@3:periode',
      'warning duplicate-row@5:periode',
      'error inconsistent-value@6:periode',
      'error type-error@7:denominateur',
      'warning unknown-finess@8:finess',
    ]);
    expect(out.output).toBeNull();
  });

  it('cpamValueAgrees: percent or fraction, rounded to a tenth of a point', () => {
    expect(cpamValueAgrees(1, 3, 33.3)).toBe(true); // 33,33 % printed 33,3
    expect(cpamValueAgrees(1, 3, 0.333)).toBe(true);
    expect(cpamValueAgrees(1, 3, 33.5)).toBe(false);
    expect(cpamValueAgrees(100, null, 100)).toBe(true);
    expect(cpamValueAgrees(100, null, 110)).toBe(false);
    expect(cpamValueAgrees(1, 0, 0)).toBe(false);
  });

  it('a CPAM value typed as a percentage in a workbook (stored 0.455, shown 45,5 %) is the percentage shown', async () => {
    const bytes = await workbook((wb) => {
      const ws = wb.addWorksheet('PHEV');
      ws.addRow(HEADER.split(';'));
      ws.addRow([Number(APHM_JURIDIQUE), 'GENERIQUES', '2025-S1', 4550, 10000, 0.455]);
      ws.getCell('F2').numFmt = '0.0%';
    });
    const out = await readTabular(cpamPhevFormat, await openXlsx(async () => Readable.from([bytes])), context({ year: 2025, establishments: KNOWN }));
    expect(out.issues.listed).toEqual([]);
    expect(payload(out.output)).toMatchObject([{ finess: APHM_JURIDIQUE, numerator: 4550, denominator: 10_000, cpamValue: 45.5 }]);
  });
});
