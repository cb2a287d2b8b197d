import { describe, expect, it } from 'vitest';
import { summaryModel } from '../../lib/report/summary-model';
import { budgetDetail, buildSummaryPage } from '../../lib/report/summary-page';
import { niceTicks, shortName } from '../../lib/report/svg-charts';
import { input, largeRegion, result } from './fixtures';

const html = buildSummaryPage(summaryModel(input));

describe('buildSummaryPage', () => {
  it('is a French, self-contained page: no script, no external font, style, image or link', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="fr">')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|\ssrc=|\shref=/i);
    expect(html).toContain('<title>CAQES 2025 – PACA : synthèse régionale</title>');
    expect(html).toContain('@page { size: A4 portrait; margin: 10mm; }');
    expect(html).toContain('situation au 09/03/2026');
  });

  it('draws a bar chart per indicator with targeted establishments, and the MO trend, each an image with a title and a description', () => {
    const charts = [...html.matchAll(/<svg [^>]*role="img" aria-labelledby="([\w-]+)-t \1-d"[^>]*>/g)].map((m) => m[1]);
    expect(charts).toEqual(['chart-ipp', 'chart-mo', 'chart-dmi', 'chart-mo-share', 'chart-mo-amount']);
    for (const id of charts) {
      expect(html).toMatch(new RegExp(`<title id="${id}-t">[^<]+</title><desc id="${id}-d">[^<]+</desc>`));
    }
    // MO: one bar per targeted site and per contract, coloured by status, the sites' own targets as ticks.
    const mo = /<svg [^>]*aria-labelledby="chart-mo-t[\s\S]*?<\/svg>/.exec(html)![0];
    expect(mo.match(/<rect /g)).toHaveLength(4);
    expect(mo).toContain('fill="#2e7d32"'); // met
    expect(mo).toContain('fill="#c62828"'); // not met
    expect(mo).toContain('fill="#e69f00"'); // pending
    expect(mo).not.toContain('stroke-dasharray'); // two targets: no common line
    // IPP: one target for all, one dashed line.
    expect(/<svg [^>]*aria-labelledby="chart-ipp-t[\s\S]*?<\/svg>/.exec(html)![0]).toContain('stroke-dasharray="3 2"');
  });

  it('gives each chart its data as a table for screen readers', () => {
    const tables = [...html.matchAll(/<div class="sr-only"><table><caption>([^<]+)<\/caption>[\s\S]*?<\/table><\/div>/g)];
    expect(tables.map((t) => t[1])).toEqual([
      'PHEV prescription des inhibiteurs de la pompe à protons (IPP)',
      'Pertinence des prescriptions des médicaments de la liste en sus (MO)',
      'Qualité, sécurité et bon usage des dispositifs médicaux implantables (DMI)',
      'Données ATIH de la région PACA',
    ]);
    expect(tables[1]![0]).toContain('<tr><th scope="row">Clinique des Oliviers</th><td>15,4 %</td><td>&lt; 20 %</td><td>Atteint</td></tr>');
    expect(tables[3]![0]).toContain('<tr><th scope="row">2024</th><td>512 788</td>'.replace(/ /g, '\u202f').replace('<tr><th\u202fscope="row">2024</th><td>', '<tr><th scope="row">2024</th><td>'));
  });

  it('flags the seed’s 2024 PACA total and shows the DMI results layout', () => {
    expect(html).toContain('÷27,9 ?');
    expect(html).toContain('montant hors de proportion (2024 ÷27,9)');
    expect(html).toMatch(/<td>Partiellement rempli\*<\/td><td class="n">0<\/td>/);
    expect(html).toMatch(/<td>Totalement rempli<\/td><td class="n">3<\/td>/);
  });

  it('escapes every text that came from a file', () => {
    const page = buildSummaryPage(summaryModel({ ...input, results: [result({ name: '<script>alert(1)</script> & "Cie"', finess: '130000052', value: 1, numerator: 1, denominator: 100, status: 'met' })] }));
    expect(page).not.toContain('<script>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Cie&quot;');
    expect(html).toContain('=HYPERLINK(&quot;http://x&quot;,&quot;clic&quot;)');
  });

  it('keeps bars for a large region, without names once they no longer fit', () => {
    const page = buildSummaryPage(summaryModel(largeRegion(56)));
    const ipp = /<svg [^>]*aria-labelledby="chart-ipp-t[\s\S]*?<\/svg>/.exec(page)![0];
    // 56 sites: 11 neutralised and 11 without data have no bar.
    expect(ipp.match(/<rect /g)).toHaveLength(56 - 11 - 11);
    expect(ipp).not.toContain('text-anchor="end" fill="#1f2933">CH');
  });
});

describe('chart helpers', () => {
  it('shortens hospital names the usual way, cutting in the middle when needed', () => {
    expect(shortName('Centre Hospitalier de Toulon-Rade (fictif)', 30)).toBe('CH de Toulon-Rade');
    expect(shortName('Hôpitaux Universitaires de Marseille – site Timone (fictif)', 40)).toBe('HU de Marseille – site Timone');
    expect(shortName('Centre Hospitalier Universitaire de Nice', 40)).toBe('CHU de Nice');
    expect(shortName('Institut de Cancérologie du Midi (fictif)', 20)).toBe('Institut … du Midi');
    expect(shortName('Établissement-de-santé-sans-espaces-du-tout', 12)).toBe('Établ … tout');
    for (const max of [8, 12, 20, 27]) expect(shortName('Hôpital Intercommunal de la Vallée numéro 12 – site principal', max).length).toBeLessThanOrEqual(max);
  });

  it('picks round ticks and never writes -0', () => {
    expect(niceTicks(0, 23)).toEqual([0, 10, 20]);
    expect(niceTicks(0, 23, 6)).toEqual([0, 5, 10, 15, 20]);
    expect(niceTicks(-3.24, 20)).toEqual([0, 10, 20]);
    expect(niceTicks(-3.24, 20).some((t) => Object.is(t, -0))).toBe(false);
    expect(niceTicks(0, 3)).toEqual([0, 1, 2, 3]);
  });
});

describe('issue 18: a budget is "prévisionnel" while a share depends on a pending status, then final', () => {
  // Seed 000: "Montant total d'intéressement = 126 331 €". Hand-made split: A sure of 94 748,25 €, B pending with 31 582,75 €.
  const split = (provisional: boolean) => ({
    ...summaryModel(input).budgets.find((b) => b.budget === 'interessement_mo')!,
    amount: 126_331,
    provisional,
    undecided: provisional ? { amount: 31_582.75, names: ['Hôpital Nord'] } : { amount: 0, names: [] },
  });

  it('says how much is undecided and for whom, never "réparti" on the sites decided so far', () => {
    expect(budgetDetail(split(true))).toBe(
      `prévisionnel, sur un budget de ${fr(126_331)} € : ${fr(31_582.75)} € non décidés, pour 1 établissement(s) en attente (Hôpital Nord)`,
    );
    expect(budgetDetail(split(true))).not.toContain('réparti');
  });

  it('once every status is final, says the split is final to the cent', () => {
    expect(budgetDetail(split(false))).toBe(`réparti, définitif au centime, sur un budget de ${fr(126_331)} €`);
    expect(html).toContain('réparti, définitif au centime, sur un budget de');
  });

  it('a provisional split reaches the page from the results’ allocations', () => {
    const pending = {
      ...input,
      results: input.results.map((r) =>
        r.indicator === 'MO' && r.scope === 'site' && r.allocation ? { ...r, allocation: { ...r.allocation, provisional: true, undecided: r.status === 'pending' } } : r,
      ),
    };
    const mo = summaryModel(pending).budgets.find((b) => b.budget === 'interessement_mo')!;
    expect(mo.provisional).toBe(true);
    expect(mo.undecided.names.length).toBe(pending.results.filter((r) => r.indicator === 'MO' && r.scope === 'site' && r.status === 'pending').length);
    expect(buildSummaryPage(summaryModel(pending))).toContain('prévisionnel, sur un budget de');
  });
});

function fr(n: number): string {
  return n.toLocaleString('fr-FR', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}
