/**
 * Issue 18: the MO table `caqes run` and `npm start` print marks a provisional incentive as the
 * summary and the workbook do ("prévisionnel", how much is undecided and for whom), and says when
 * the split is final, to the cent.
 */
import { describe, expect, it } from 'vitest';
import { renderMo } from '../../lib/cli/account';
import type { IndicatorResult } from '../../lib/domain/schemas';

/** French amounts as the table prints them: narrow no-break space between thousands. */
const euros = (text: string) => text.replace(/(\d) (\d)/g, '$1\u202f$2');

const RULE = 'au prorata du montant liste en sus valorisé';

function moRow(name: string, finess: string, status: IndicatorResult['status'], allocation: IndicatorResult['allocation']): IndicatorResult {
  return {
    region: 'PACA',
    year: 2025,
    indicator: 'MO',
    scope: 'site',
    finess,
    contrat: `C${finess}`,
    name,
    categorie: 'ex-DG',
    measure: 'ratio',
    numerator: 100,
    denominator: 1000,
    value: 10,
    unit: '%',
    period: null,
    source: 'atih',
    cpam: null,
    comparison: null,
    amounts: { total: 100_000, horsAmm: 10_000 },
    target: { comparator: '<', value: 15, source: 'default' },
    status,
    note: null,
    components: [],
    evidence: [],
    anomalies: [],
    initiations: null,
    allocation,
    inputs: [],
  };
}

describe('caqes run: the MO table marks a provisional incentive (issue 18, seed 000: "Montant total d’intéressement = 126 331 €")', () => {
  it('while Hôpital Nord is pending: its 31 582,75 € are marked undecided, the rest is a minimum, never "réparti"', () => {
    // 126 331 € by valued amount, 300 000 € and 100 000 €: 94 748,25 € and 31 582,75 €, Nord counted as if met.
    const lines = renderMo('PACA 2025', [
      moRow('Hôpital Sud', '130000011', 'met', { budget: 'interessement_mo', amount: 94_748.25, rule: RULE, provisional: true, undecided: false }),
      moRow('Hôpital Nord', '130000029', 'pending', { budget: 'interessement_mo', amount: 31_582.75, rule: RULE, provisional: true, undecided: true }),
    ]);
    const row = (name: string) => lines.find((l) => l.includes(name)) ?? '';
    expect(row('Hôpital Sud').trimEnd()).toMatch(new RegExp(`${euros('94 748,25 €')}$`));
    expect(row('Hôpital Nord').trimEnd()).toMatch(new RegExp(`${euros('31 582,75 €')} \\*$`));
    expect(lines).toContain(
      euros(
        `  Intéressement MO prévisionnel, sur un budget de 126 331,00 € : 31 582,75 € non décidés, pour 1 établissement(s) en attente (Hôpital Nord) ; * part non décidée, comptée comme si l’objectif était atteint : les autres parts sont un minimum (${RULE})`,
      ),
    );
    expect(lines.join('\n')).not.toContain('réparti');
  });

  it('once Hôpital Nord missed its target the split is final: the whole 126 331,00 € to Hôpital Sud, to the cent', () => {
    const lines = renderMo('PACA 2025', [
      moRow('Hôpital Sud', '130000011', 'met', { budget: 'interessement_mo', amount: 126_331, rule: RULE, provisional: false, undecided: false }),
      moRow('Hôpital Nord', '130000029', 'not_met', { budget: 'interessement_mo', amount: 0, rule: RULE, provisional: false, undecided: false }),
    ]);
    expect(lines).toContain(euros(`  Intéressement MO réparti, définitif au centime, sur un budget de 126 331,00 € (${RULE})`));
    expect(lines.join('\n')).not.toContain('prévisionnel');
    expect(lines.join('\n')).not.toContain('*');
  });

  it('no share earned by anyone: says nothing is split rather than a budget of 0 €', () => {
    const lines = renderMo('PACA 2025', [moRow('Hôpital Nord', '130000029', 'not_met', { budget: 'interessement_mo', amount: 0, rule: RULE, provisional: false, undecided: false })]);
    expect(lines).toContain('  Intéressement MO : aucun établissement éligible, rien n’est réparti');
  });

  it('without an MO budget in parametres, no incentive line at all', () => {
    const lines = renderMo('PACA 2025', [moRow('Hôpital Sud', '130000011', 'met', null)]);
    expect(lines.some((l) => l.includes('Intéressement MO '))).toBe(false);
  });
});
