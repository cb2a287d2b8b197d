import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { parametresFormat } from '../../lib/formats/kinds/parametres';
import { readTabular } from '../../lib/formats/tabular';
import { openXlsx } from '../../lib/io/xlsx-reader';
import { workbook } from '../helpers/archives';
import { context, cp1252, payload, read, where } from './helpers';

describe('referential/parametres-<year>.csv', () => {
  it('reads budgets in French amounts, rules, neutralised indicators, per region or for all', async () => {
    const out = await read(
      parametresFormat,
      cp1252([
        'Paramètre;Région;Valeur',
        'budget_interessement_mo;PACA;126 331 €',
        'budget_dmi;PACA;210\u00a0550,97',
        'regle_dmi;;points',
        'neutralisation_ex_oqn;;IPP, Perfadom, génériques',
        'facteur saut montant;;2,5',
        'etapes_relance;;+7, -30, -7, -1, +1',
        'emails_omedit;PACA;omedit@ars.example.fr, pharmacien@ars.example.fr',
      ]),
      { year: 2025 },
    );
    expect(out.list).toEqual([]);
    expect(payload(out.output)).toEqual([
      { year: 2025, region: 'PACA', values: { budget_interessement_mo: 126_331, budget_dmi: 210_550.97, emails_omedit: ['omedit@ars.example.fr', 'pharmacien@ars.example.fr'] } },
      { year: 2025, region: null, values: { regle_dmi: 'points', neutralisation_ex_oqn: ['IPP', 'PERFADOM', 'GENERIQUES'], facteur_saut_montant: 2.5, etapes_relance: [-30, -7, -1, 1, 7] } },
    ]);
  });

  it('each bad value is refused with what was expected; an unknown parameter too; a repeated one is a warning', async () => {
    const out = await read(
      parametresFormat,
      cp1252([
        'parametre;region;valeur',
        'budget_dmi;PACA;beaucoup', // line 2
        'regle_interessement_mo;;au mérite', // line 3
        'neutralisation_ex_oqn;;IPP, OPIOIDES', // line 4
        'facteur_saut_montant;;1', // line 5
        'bonus;;1', // line 6
        'budget_dmi;CORSE;1', // line 7
        'budget_dmi;CORSE;2', // line 8
      ]),
      { year: 2025 },
    );
    expect(where(out.list)).toEqual([
      'error type-error@2:valeur',
      'error type-error@3:valeur',
      'error type-error@4:valeur',
      'error type-error@5:valeur',
      'error type-error@6:parametre',
      'warning duplicate-row@8:parametre',
    ]);
    expect(out.list[2]!.message).toContain('(« OPIOIDES » inconnu)');
    expect(out.output).toBeNull();
  });

  it('a tolerance typed as a percentage in a workbook (stored 0.005, shown 0,5 %) is the 0,5 point shown', async () => {
    const bytes = await workbook((wb) => {
      const ws = wb.addWorksheet('Paramètres');
      ws.addRow(['parametre', 'region', 'valeur']);
      ws.addRow(['tolerance_cpam', '', 0.005]);
      ws.addRow(['tolerance_open_phmev', '', 2]);
      ws.getCell('C2').numFmt = '0.0%';
    });
    const out = await readTabular(parametresFormat, await openXlsx(async () => Readable.from([bytes])), context({ year: 2025 }));
    expect(out.issues.listed).toEqual([]);
    expect(payload(out.output)).toEqual([{ year: 2025, region: null, values: { tolerance_cpam: 0.5, tolerance_open_phmev: 2 } }]);
  });

  it('issue 18: validite_cartographie_dmi is a whole number of years ("Cartographie : Pas à refaire OBLIGATOIREMENT tous les ans")', async () => {
    const ok = await read(parametresFormat, cp1252(['parametre;region;valeur', 'validite_cartographie_dmi;PACA;3']), { year: 2025 });
    expect(payload(ok.output)).toEqual([{ year: 2025, region: 'PACA', values: { validite_cartographie_dmi: 3 } }]);
    const bad = await read(parametresFormat, cp1252(['parametre;region;valeur', 'validite_cartographie_dmi;;1,5', 'validite_cartographie_dmi;PACA;0']), { year: 2025 });
    expect(where(bad.list)).toEqual(['error type-error@2:valeur', 'error type-error@3:valeur']);
    expect(bad.list[0]!.message).toContain('nombre d’années entier, au moins 1 (ex. 3)');
  });
});
