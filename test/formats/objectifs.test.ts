import { describe, expect, it } from 'vitest';
import { objectifsFormat } from '../../lib/formats/kinds/objectifs';
import { cp1252, read, where, payload } from './helpers';

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
    expect(out.list[1]!.message).toBe('Valeur « quinze » invalide dans la colonne « cible » : nombre attendu (ex. 1 234,5).');
    expect(out.output).toBeNull();
  });
});
