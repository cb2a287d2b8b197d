import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { objectifsFormat } from '../../lib/formats/kinds/objectifs';
import { readTabular } from '../../lib/formats/tabular';
import { openXlsx } from '../../lib/io/xlsx-reader';
import { workbook } from '../helpers/archives';
import { context, cp1252, read, where, payload } from './helpers';

describe('referential/objectifs-<year>.csv', () => {
  it('reads region-wide, establishment and all-region rows, decimal comma', async () => {
    const out = await read(
      objectifsFormat,
      cp1252([
        'Indicateur;Région;FINESS;Comparateur;Cible',
        'MO;PACA;;<;15',
        'MO;Corse;;<;10',
        'MO;PACA;130786049;<;20', // AP-HM
        'MO;PACA;130001647; < ;20 %', // IPC, spaces around the comparator, unit sign
        'BIOSIMILAIRES;;;>=;80,5',
      ]),
      { year: 2025 },
    );
    expect(out.list).toEqual([]);
    expect(payload(out.output)).toEqual([
      { year: 2025, indicator: 'MO', region: 'PACA', finess: null, comparator: '<', target: 15 },
      { year: 2025, indicator: 'MO', region: 'CORSE', finess: null, comparator: '<', target: 10 },
      { year: 2025, indicator: 'MO', region: 'PACA', finess: '130786049', comparator: '<', target: 20 },
      { year: 2025, indicator: 'MO', region: 'PACA', finess: '130001647', comparator: '<', target: 20 },
      { year: 2025, indicator: 'BIOSIMILAIRES', region: null, finess: null, comparator: '>=', target: 80.5 },
    ]);
  });

  it('≥ and ≤ (UTF-8 only: Windows-1252 has no such characters) read as >= and <=', async () => {
    const out = await read(objectifsFormat, Buffer.from('\ufeffindicateur;cible;comparateur\r\nBIOSIMILAIRES;80,5;≥\r\nMO;15;≤\r\n', 'utf8'), { year: 2025 });
    expect(out.encoding).toBe('utf-8-bom');
    expect(payload(out.output)).toEqual([
      { year: 2025, indicator: 'BIOSIMILAIRES', region: null, finess: null, comparator: '>=', target: 80.5 },
      { year: 2025, indicator: 'MO', region: null, finess: null, comparator: '<=', target: 15 },
    ]);
  });

  it('region and finess columns may be absent', async () => {
    const out = await read(objectifsFormat, cp1252(['indicateur;comparateur;objectif', 'MO;<;15']), { year: 2026 });
    expect(payload(out.output)).toEqual([{ year: 2026, indicator: 'MO', region: null, finess: null, comparator: '<', target: 15 }]);
  });

  it('a wrong FINESS key in an optional column is invalid-finess, in French', async () => {
    const out = await read(objectifsFormat, cp1252(['indicateur;region;finess;comparateur;cible', 'MO;PACA;130786048;<;20']), { year: 2025 });
    expect(where(out.list)).toEqual(['error invalid-finess@2:finess']);
    expect(out.list[0]!.message).toBe('FINESS « 130786048 » invalide : la clé de contrôle (dernier chiffre) ne correspond pas.');
  });

  it('bad comparator and target are type-error; missing target is missing-value; unknown indicator', async () => {
    const out = await read(
      objectifsFormat,
      cp1252(['indicateur;region;finess;comparateur;cible', 'MO;PACA;;=;15', 'MO;PACA;;<;quinze', 'MO;PACA;;<;', 'MOLECULES;PACA;;<;15']),
      { year: 2025 },
    );
    expect(where(out.list)).toEqual(['error type-error@2:comparateur', 'error type-error@3:cible', 'error missing-value@4:cible', 'error unknown-indicator@5:indicateur']);
    expect(out.list[1]!.message).toBe('Valeur « quinze » invalide dans la colonne « cible » : nombre attendu (ex. 15 ou 15 %).');
    expect(out.output).toBeNull();
  });

  // Issue 24: "an objectives workbook whose targets are typed as percentages (« 15 % », stored 0.15
  // with a percent format) gives MO targets of 0,15 %": a cell is read as what it shows.
  it('targets typed as percentages in a workbook (stored 0.15, shown 15 %) are the percentages shown', async () => {
    const bytes = await workbook((wb) => {
      const ws = wb.addWorksheet('Objectifs 2025');
      ws.addRow(['indicateur', 'region', 'comparateur', 'cible']);
      ws.addRow(['MO', 'PACA', '<', 0.15]);
      ws.addRow(['MO', 'CORSE', '<', 0.1]);
      ws.addRow(['GENERIQUES', '', '>=', 0.455]);
      ws.addRow(['DMI', '', '>=', 3]);
      for (const at of ['D2', 'D3']) ws.getCell(at).numFmt = '0 %';
      ws.getCell('D4').numFmt = '0.0%';
    });
    const file = await openXlsx(async () => Readable.from([bytes]));
    const out = await readTabular(objectifsFormat, file, context({ year: 2025 }));
    expect(out.issues.listed).toEqual([]);
    expect(payload(out.output)).toEqual([
      { year: 2025, indicator: 'MO', region: 'PACA', finess: null, comparator: '<', target: 15 },
      { year: 2025, indicator: 'MO', region: 'CORSE', finess: null, comparator: '<', target: 10 },
      { year: 2025, indicator: 'GENERIQUES', region: null, finess: null, comparator: '>=', target: 45.5 },
      { year: 2025, indicator: 'DMI', region: null, finess: null, comparator: '>=', target: 3 },
    ]);
  });

  it('a bare fraction implausible as a percentage is kept as written, with a warning saying what was understood', async () => {
    const out = await read(
      objectifsFormat,
      cp1252([
        'indicateur;region;comparateur;cible',
        'MO;PACA;<;0,15', // a share under 1 %: surely 15 %
        'GENERIQUES;;>=;0,455',
        'IPP;;<=;0,04', // a growth under 0,1 point: surely +4 %
        'MO;CORSE;<;0,1 %', // written with its sign: meant as it is
        'PERFADOM;;<=;0,5', // a growth of +0,5 % is plausible
        'TRANSPORTS;;<=;0', // zero is zero
        'DMI;;>=;0,5', // points, not %
        'PHARMACIE_CLINIQUE;;>=;100',
      ]),
      { year: 2025 },
    );
    expect(where(out.list)).toEqual(['warning inconsistent-value@2:cible', 'warning inconsistent-value@3:cible', 'warning inconsistent-value@4:cible']);
    expect(out.list.map((i) => i.message)).toEqual([
      'Valeur « 0,15 » de la colonne « cible » incohérente : s’agit-il de 15 % ? La cible est lue comme 0,15 % pour MO ; pour 15 %, écrivez 15 ou 15 %.',
      'Valeur « 0,455 » de la colonne « cible » incohérente : s’agit-il de 45,5 % ? La cible est lue comme 0,455 % pour GENERIQUES ; pour 45,5 %, écrivez 45,5 ou 45,5 %.',
      'Valeur « 0,04 » de la colonne « cible » incohérente : s’agit-il de 4 % ? La cible est lue comme 0,04 % pour IPP ; pour 4 %, écrivez 4 ou 4 %.',
    ]);
    // A warning never refuses the file: the targets are those written.
    expect((payload(out.output) as { target: number }[]).map((o) => o.target)).toEqual([0.15, 0.455, 0.04, 0.1, 0.5, 0, 0.5, 100]);
  });
});
