import { formatFrenchDate, formatFrenchNumber } from '../io/french';
import { escapeHtml } from '../notify/escape';
import { pageHead } from './page-head';
import { ATIH_ROWS, eurosLabel, INDICATOR_SHEET_NAMES, MEASURE_HEADINGS, MO_HEADINGS, objectiveLabel, STATUS_LABELS, valueLabel } from './labels';
import type { BudgetSplit, IndicatorSection, RegionSummary } from './summary-model';
import { BAR_CHART_MARGIN, barChart, percentTick, seriesChart, STATUS_COLOURS, type Bar } from './svg-charts';
import { jumpFactor } from '../domain/mo';

/**
 * The page's fixed geometry, in CSS pixels (96 per inch): A4 less 10 mm margins is 190 × 277 mm,
 * 718 × 1047 px, of which the page takes 276 mm (a rounding pixel more would start a second
 * sheet). The header, key figures, trend row and footer take about 500 px; the charts share the
 * rest, so the page prints on one sheet whatever the number of indicators and establishments.
 */
const CONTENT_WIDTH = 718;
const CHARTS_HEIGHT = 536;
const CAPTION_HEIGHT = 28;
const COLUMN_GAP = 12;
const ROW_GAP = 8;
/** A bar's height when there is room; less when there are many establishments. */
const IDEAL_SLOT = 16;

const esc = (text: string): string => escapeHtml(text);

const STYLE = `
@page { size: A4 portrait; margin: 10mm; }
* { box-sizing: border-box; }
html { background: #e9edf1; }
body { margin: 0; font-family: "DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif; color: #1f2933; font-size: 9.5px; line-height: 1.3; }
.page { position: relative; width: 190mm; margin: 0 auto; background: #fff; }
@media screen { .page { width: 206mm; padding: 8mm; margin: 6mm auto; box-shadow: 0 1px 6px rgba(0,0,0,.18); } }
@media print { html { background: #fff; } .page { height: 276mm; overflow: hidden; } }
header { display: flex; justify-content: space-between; align-items: flex-end; border-bottom: 2px solid #1f4e79; padding-bottom: 5px; }
h1 { font-size: 19px; margin: 0; color: #1f4e79; letter-spacing: .2px; }
header p { margin: 2px 0 0; color: #5f6b7a; font-size: 10px; }
header .who { text-align: right; font-size: 9px; color: #5f6b7a; }
h2 { font-size: 11px; margin: 10px 0 5px; color: #1f4e79; text-transform: uppercase; letter-spacing: .4px; }
.tiles { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 5px; margin-top: 8px; padding: 0; list-style: none; }
.tiles li { border: 1px solid #d9dee4; border-left: 3px solid #1f4e79; border-radius: 3px; padding: 3px 6px; }
.tiles b { display: block; font-size: 14px; }
.tiles small { display: block; font-size: 8px; color: #5f6b7a; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.tiles .met { border-left-color: #2e7d32; } .tiles .not_met { border-left-color: #c62828; } .tiles .pending { border-left-color: #e69f00; }
.charts { display: grid; gap: ${ROW_GAP}px ${COLUMN_GAP}px; align-items: start; }
figure { margin: 0; break-inside: avoid; }
figcaption { font-size: 10px; font-weight: bold; height: ${CAPTION_HEIGHT}px; overflow: hidden; }
figcaption span { display: block; font-weight: normal; font-size: 8.5px; color: #5f6b7a; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
svg.chart { width: 100%; height: auto; display: block; }
.trend { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr) minmax(0, 0.9fr); gap: ${COLUMN_GAP}px; align-items: start; }
table.dmi { border-collapse: collapse; width: 100%; font-size: 9px; }
table.dmi th, table.dmi td { border-bottom: 1px solid #e3e7ec; padding: 2px 3px; text-align: left; }
table.dmi td.n { text-align: right; font-weight: bold; }
.note { font-size: 8px; color: #5f6b7a; margin: 3px 0 0; }
footer { margin-top: 8px; border-top: 1px solid #d9dee4; padding-top: 4px; font-size: 8px; color: #5f6b7a; }
.legend { display: flex; flex-wrap: wrap; gap: 10px; margin: 0 0 2px; padding: 0; list-style: none; }
.legend i { display: inline-block; width: 9px; height: 9px; margin-right: 3px; vertical-align: -1px; }
.legend .line { width: 14px; height: 0; border-top: 1.5px dashed #1f2933; vertical-align: 2px; }
.legend .tick { width: 2px; height: 10px; background: #1f2933; }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
`;

function sum(sections: readonly IndicatorSection[], pick: (s: IndicatorSection) => number): number {
  return sections.reduce((a, s) => a + pick(s), 0);
}

function tiles(summary: RegionSummary): string {
  const sections = summary.sections;
  const judged = sum(sections, (s) => s.targeted);
  const owed = summary.establishments.reduce((a, e) => a + e.counts.owed, 0);
  const inTime = summary.establishments.reduce((a, e) => a + e.counts.inTime, 0);
  const overdue = summary.establishments.reduce((a, e) => a + e.counts.missing + e.counts.late + e.counts.refused, 0);
  const awaited = summary.establishments.reduce((a, e) => a + e.counts.awaited, 0);
  const budget = (split: RegionSummary['budgets'][number] | undefined): [string, string] =>
    !split || split.amount === null ? ['–', 'budget non renseigné'] : [eurosLabel(split.total), budgetDetail(split)];
  const items: [string, string, string, string][] = [
    ['', 'Établissements ciblés', String(summary.establishments.length), `${judged} couples établissement-indicateur`],
    ['met', 'Objectifs atteints', String(sum(sections, (s) => s.statuses.met)), `sur ${judged}`],
    ['not_met', 'Objectifs non atteints', String(sum(sections, (s) => s.statuses.not_met)), `neutralisés à part : ${sum(sections, (s) => s.statuses.neutralised)}`],
    ['pending', 'En attente', String(sum(sections, (s) => s.statuses.pending)), 'pièces ou données attendues'],
    ['', 'Pièces reçues à temps', String(inTime), `sur ${owed} dues, ${awaited} encore attendue(s)`],
    ['not_met', 'Pièces en défaut', String(overdue), 'manquantes, refusées ou en retard'],
    ['', 'Intéressement MO', ...budget(summary.budgets.find((b) => b.budget === 'interessement_mo'))],
    ['', 'Budget DMI', ...budget(summary.budgets.find((b) => b.budget === 'budget_dmi'))],
  ];
  return `<ul class="tiles" aria-label="Chiffres clés">${items
    .map(([cls, label, value, detail]) => `<li${cls ? ` class="${cls}"` : ''}>${esc(label)}<b>${esc(value)}</b><small>${esc(detail)}</small></li>`)
    .join('')}</ul>`;
}

/**
 * How far a budget's split is decided: "prévisionnel" with the amount still undecided and for whom
 * while a status it depends on is pending, "réparti" (final, to the cent) once none is.
 */
export function budgetDetail(split: Pick<BudgetSplit, 'amount' | 'provisional' | 'undecided'>): string {
  const budget = eurosLabel(split.amount ?? 0);
  if (!split.provisional) return `réparti, définitif au centime, sur un budget de ${budget}`;
  const { amount, names } = split.undecided;
  return `prévisionnel, sur un budget de ${budget} : ${eurosLabel(amount)} non décidés, pour ${names.length} établissement(s) en attente (${names.join(', ')})`;
}

/** `objectif < 15 %`, or `sans objectif` when none of the targeted sites has one. */
function targetPhrase(section: IndicatorSection): string {
  return section.mainTarget ? `objectif ${section.targetText}` : section.targetText;
}

function statusCounts(section: IndicatorSection): string {
  const parts = (['met', 'not_met', 'pending', 'neutralised', 'no_data', 'no_target'] as const)
    .filter((s) => section.statuses[s] > 0)
    .map((s) => `${section.statuses[s]} ${STATUS_LABELS[s].toLowerCase()}`);
  return `${section.targeted} ES ciblé(s)${parts.length ? ` : ${parts.join(', ')}` : ''}`;
}

function indicatorFigure(section: IndicatorSection, width: number, slot: number): string {
  const d = section.definition;
  const rows = section.rows.filter((r) => !r.informative);
  const bars: Bar[] = rows.map((r) => ({
    label: r.result.scope === 'contract' ? `Contrat ${r.result.contrat}` : r.label,
    value: r.result.value,
    status: r.result.status,
    target: r.result.target,
    valueText: r.result.value === null ? STATUS_LABELS[r.result.status].toLowerCase() : valueLabel(r.result.value, d.measure),
    contract: r.result.scope === 'contract',
  }));
  const targets = new Set(bars.filter((b) => b.target).map((b) => `${b.target?.comparator}${b.target?.value}`));
  const common = targets.size === 1 && bars.every((b) => b.target) ? (bars[0]?.target ?? null) : null;
  const headings = section.code === 'MO' ? MO_HEADINGS : MEASURE_HEADINGS[d.measure];
  const id = `chart-${section.code.toLowerCase()}`;
  const svg = barChart({
    id,
    title: `${INDICATOR_SHEET_NAMES[section.code]} : ${headings.value} par établissement`,
    description: `${d.label}. ${targetPhrase(section)}. ${statusCounts(section)}.`,
    width,
    height: Math.ceil(bars.length * slot + BAR_CHART_MARGIN),
    bars,
    commonTarget: common,
    ...(d.measure === 'points' ? { domain: [0, 3] as const } : d.measure === 'documents' ? { domain: [0, 100] as const } : {}),
    tick: d.measure === 'points' ? (v) => formatFrenchNumber(v, 0) : percentTick,
  });
  const table = `<div class="sr-only"><table><caption>${esc(d.label)}</caption><thead><tr><th scope="col">Établissement</th><th scope="col">${esc(headings.value)}</th><th scope="col">Objectif</th><th scope="col">Statut</th></tr></thead><tbody>${rows
    .map((r) => `<tr><th scope="row">${esc(r.label)}</th><td>${r.result.value === null ? '–' : esc(valueLabel(r.result.value, d.measure))}</td><td>${r.result.target ? esc(objectiveLabel(r.result.target, d.unit)) : '–'}</td><td>${esc(STATUS_LABELS[r.result.status])}</td></tr>`)
    .join('')}</tbody></table></div>`;
  const caption = `${esc(INDICATOR_SHEET_NAMES[section.code])} · ${esc(headings.value)}<span>${esc(targetPhrase(section))} · ${esc(statusCounts(section))}</span>`;
  return `<figure>\n<figcaption>${caption}</figcaption>\n${svg}\n${table}\n</figure>`;
}

function trendFigures(summary: RegionSummary, width: number): string {
  const atih = summary.atih;
  if (atih.length === 0) return `<figure><figcaption>MO · données ATIH de la région</figcaption><p class="note">Aucune extraction ATIH reçue.</p></figure>`;
  const mo = summary.sections.find((s) => s.code === 'MO');
  const target = mo?.mainTarget ?? null;
  const share = (t: (typeof atih)[number]) => (t.totalUcd > 0 ? (t.i999Ucd / t.totalUcd) * 100 : null);
  const shares = seriesChart({
    id: 'chart-mo-share',
    title: `MO : part hors-AMM (UCD/UCD) de la région ${summary.region} par année`,
    description: atih.map((t) => `${t.year} : ${share(t) === null ? '–' : valueLabel(share(t) as number, 'ratio')}`).join(', ') + (target ? `. Objectif ${objectiveLabel(target)}.` : '.'),
    width,
    height: 150,
    kind: 'line',
    points: atih.map((t) => ({ year: t.year, value: share(t), valueText: share(t) === null ? '–' : valueLabel(share(t) as number, 'ratio') })),
    target: target?.value ?? null,
    tick: percentTick,
  });
  const millions = (n: number) => `${formatFrenchNumber(n / 1e6, 1)} M€`;
  const amounts = seriesChart({
    id: 'chart-mo-amount',
    title: `MO : total valorisé de la liste en sus, région ${summary.region}, par année`,
    description: atih.map((t) => `${t.year} : ${eurosLabel(t.totalAmount)}${t.amountJump !== null ? ` (${jumpFactor(t.amountJump)} en un an, à vérifier)` : ''}`).join(', ') + '.',
    width,
    height: 150,
    kind: 'columns',
    points: atih.map((t) => ({ year: t.year, value: t.totalAmount, valueText: millions(t.totalAmount), ...(t.amountJump !== null ? { flag: `${jumpFactor(t.amountJump)} ?` } : {}) })),
    tick: (v) => `${formatFrenchNumber(v / 1e6, 0)} M€`,
  });
  const table = `<div class="sr-only"><table><caption>Données ATIH de la région ${esc(summary.region)}</caption><thead><tr><th scope="col">Année</th>${ATIH_ROWS.map((label) => `<th scope="col">${esc(label)}</th>`).join('')}</tr></thead><tbody>${atih
    .map((t) => `<tr><th scope="row">${t.year}</th><td>${formatFrenchNumber(t.totalUcd)}</td><td>${esc(eurosLabel(t.totalAmount))}</td><td>${formatFrenchNumber(t.i999Ucd)}</td><td>${esc(eurosLabel(t.i999Amount))}</td><td>${share(t) === null ? '–' : esc(valueLabel(share(t) as number, 'ratio'))}</td></tr>`)
    .join('')}</tbody></table></div>`;
  const flagged = atih.filter((t) => t.amountJump !== null);
  return [
    `<figure><figcaption>MO · part hors-AMM de la région<span>UCD codées I999 / UCD totales (ATIH)${target ? ` · pointillé : objectif ${esc(objectiveLabel(target))}` : ''}</span></figcaption>${shares}${table}</figure>`,
    `<figure><figcaption>MO · total valorisé de la région<span>${flagged.length ? `en rouge : montant hors de proportion (${flagged.map((t) => `${t.year} ${jumpFactor(t.amountJump as number)}`).join(', ')}), à vérifier` : 'liste en sus, ATIH, par année'}</span></figcaption>${amounts}</figure>`,
  ].join('\n');
}

function dmiFigure(summary: RegionSummary): string {
  const { dmi } = summary;
  if (dmi.targeted === 0) return '<figure><figcaption>DMI · résultats<span>aucun établissement ciblé</span></figcaption></figure>';
  const row = (label: string, n: number) => `<tr><td>${esc(label)}</td><td class="n">${n}</td></tr>`;
  return `<figure><figcaption>DMI · résultats ${summary.year}<span>${dmi.answered} ES ayant répondu sur ${dmi.targeted} ciblé(s)</span></figcaption>
<table class="dmi"><caption class="sr-only">Résultats DMI : plan d’actions et audit, nombre d’établissements</caption>
<tr><th colspan="2">Plan d’actions (diagnostic ANAP ou RESOMEDIT)</th></tr>${row('Non transmis', dmi.plan.notSent)}${row('Partiellement rempli*', dmi.plan.partly)}${row('Totalement rempli', dmi.plan.fully)}${row('En attente', dmi.plan.awaited)}
<tr><th colspan="2">Audit DMI</th></tr>${row('Non transmis', dmi.audit.notSent)}${row('Rempli', dmi.audit.done)}${row('En attente', dmi.audit.awaited)}
</table><p class="note">* appréciation de l’OMéDIT à venir : tout plan transmis compte ici comme totalement rempli.</p></figure>`;
}

function legend(): string {
  const swatch = (status: keyof typeof STATUS_COLOURS) => `<li><i style="background:${STATUS_COLOURS[status].fill}"></i>${STATUS_COLOURS[status].symbol} ${esc(STATUS_LABELS[status])}</li>`;
  return `<ul class="legend" aria-label="Légende">${swatch('met')}${swatch('not_met')}${swatch('pending')}${swatch('neutralised')}${swatch('no_target')}<li><i class="line"></i>objectif commun</li><li><i class="tick"></i>objectif propre à l’établissement</li></ul>`;
}

/**
 * The one-page visual report of a regional summary: key figures, per indicator a bar chart of
 * each targeted establishment's value against its target coloured by status, the region's MO trend
 * over the years (ATIH table, out-of-line amounts flagged) and the DMI results. A self-contained
 * HTML file: inline CSS and SVG drawn here, no script, no external font, image or style (its
 * Content-Security-Policy forbids them), every value escaped; French; printable on one A4 page.
 * Each chart is an image with a title and a description, and has its data as a table for screen readers.
 *
 * @returns the page, UTF-8 text.
 * @example
 * const html = buildSummaryPage(summaryModel(input));
 */
export function buildSummaryPage(summary: RegionSummary): string {
  const charted = summary.sections.filter((s) => s.rows.some((r) => !r.informative));
  const columns = charted.length > 8 ? 3 : 2;
  const width = Math.floor((CONTENT_WIDTH - COLUMN_GAP * (columns - 1)) / columns);
  // Every bar gets the same height: what the charts' area leaves once captions and axes are paid,
  // shared among the tallest chart of each grid row.
  const bars = (s: IndicatorSection) => s.rows.filter((r) => !r.informative).length;
  const gridRows = Array.from({ length: Math.ceil(charted.length / columns) }, (_, i) => charted.slice(i * columns, (i + 1) * columns));
  const tallest = gridRows.reduce((a, row) => a + Math.max(...row.map(bars)), 0);
  const room = CHARTS_HEIGHT - gridRows.length * (CAPTION_HEIGHT + BAR_CHART_MARGIN + ROW_GAP);
  const slot = tallest > 0 ? Math.min(IDEAL_SLOT, room / tallest) : IDEAL_SLOT;
  const trendWidth = Math.floor((CONTENT_WIDTH - 2 * COLUMN_GAP) / 2.9);
  const day = formatFrenchDate(summary.day);
  const title = `CAQES ${summary.year} – ${summary.region} : synthèse régionale`;

  return `${pageHead(title, STYLE)}
<main class="page">
<header>
<div><h1>CAQES ${summary.year} · ${esc(summary.region)}</h1><p>Synthèse régionale des indicateurs, situation au ${day}</p></div>
<div class="who">OMéDIT · suivi du CAQES<br>statuts provisoires jusqu’à la clôture de l’évaluation</div>
</header>
${tiles(summary)}
<h2>Indicateurs par établissement ciblé, au regard de l’objectif</h2>
${charted.length === 0 ? '<p class="note">Aucun établissement ciblé pour cette année.</p>' : `<div class="charts" style="grid-template-columns: repeat(${columns}, minmax(0, 1fr))">\n${charted.map((s) => indicatorFigure(s, width, slot)).join('\n')}\n</div>`}
<h2>Liste en sus (MO) : évolution régionale · DMI</h2>
<div class="trend">
${trendFigures(summary, trendWidth)}
${dmiFigure(summary)}
</div>
<footer>
${legend()}
<p>Chaque barre est la valeur d’un établissement (ou d’un contrat multi-sites, en italique) ; les établissements neutralisés ou sans données n’ont pas de barre. Sources : extractions CPAM et Open PHMEV, ATIH (liste en sus), pièces déposées par les établissements ; objectifs de objectifs-${summary.year}.csv, à défaut ceux du catalogue. Détail, évolution sur un an et pièces par établissement : classeur CAQES ${summary.year} ${esc(summary.region)}. Généré le ${day}.</p>
</footer>
</main>
</body>
</html>
`;
}
