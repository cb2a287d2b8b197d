/**
 * Inline SVG charts drawn on the server: no script, no font or library fetched when the page is
 * viewed or printed. Every text is escaped; every chart is an `img` with a title and a description.
 */
import type { IndicatorStatus, ResultTarget } from '../domain/schemas';
import { escapeHtml } from '../notify/escape';
import { formatFrenchNumber } from '../io/french';

/** Status colours (and the symbol that says the same without colour). */
export const STATUS_COLOURS: Readonly<Record<IndicatorStatus, { fill: string; symbol: string }>> = {
  met: { fill: '#2e7d32', symbol: '✓' },
  not_met: { fill: '#c62828', symbol: '✗' },
  pending: { fill: '#e69f00', symbol: '…' },
  neutralised: { fill: '#90a4ae', symbol: '○' },
  no_data: { fill: '#bdbdbd', symbol: '–' },
  no_target: { fill: '#607d8b', symbol: '·' },
  not_targeted: { fill: '#bdbdbd', symbol: '' },
};

const INK = '#1f2933';
const MUTED = '#5f6b7a';
const GRID = '#d9dee4';
const TARGET = '#1f2933';
/** Average advance of a character in the page's sans-serif, in em: enough to truncate names. */
const CHAR_EM = 0.56;

const esc = (text: string): string => escapeHtml(text);
const px = (n: number): string => String(Math.round(n * 10) / 10);

/** The height a bar chart takes besides its bars: the space above them and the axis below. */
export const BAR_CHART_MARGIN = 18;

/** One bar: an establishment's value, its status and its own target. */
export interface Bar {
  label: string;
  value: number | null;
  status: IndicatorStatus;
  target: ResultTarget | null;
  /** The value as French text, shown beside the bar. */
  valueText: string;
  /** A contract row: its label is italic. */
  contract: boolean;
}

export interface BarChartSpec {
  id: string;
  title: string;
  description: string;
  width: number;
  height: number;
  bars: readonly Bar[];
  /** The target shared by every bar, drawn as one line; otherwise each bar has its own tick. */
  commonTarget: ResultTarget | null;
  /** The axis's fixed range (DMI: 0 to 3 points), else from the values and targets. */
  domain?: readonly [number, number];
  /** Formats an axis tick. */
  tick: (value: number) => string;
}

/** Round tick values covering a range: steps of 1, 2 or 5 times a power of ten. */
export function niceTicks(lo: number, hi: number, count = 4): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
  const ticks: number[] = [];
  // `|| 0` turns -0 into 0, which would print as « -0 ».
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Math.round(v / step) * step || 0);
  return ticks;
}

/**
 * A name short enough for a chart's axis: the usual abbreviations of French hospitals, without a
 * closing parenthesis; cut in the middle when still too long, since a site's name often ends it.
 */
export function shortName(name: string, maxChars: number): string {
  const short = name
    .replace(/Centre Hospitalier (R[ée]gional )?Universitaire/gi, 'CHU')
    .replace(/Centre Hospitalier R[ée]gional/gi, 'CHR')
    .replace(/Centre Hospitalier/gi, 'CH')
    .replace(/H[ôo]pitaux Universitaires/gi, 'HU')
    .replace(/\s*\([^)]*\)\s*$/, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (short.length <= maxChars) return short;
  // ' … ' takes three characters.
  const headLength = Math.ceil((maxChars - 3) / 2);
  let head = short.slice(0, headLength);
  let tail = short.slice(short.length - Math.max(0, maxChars - 3 - headLength));
  // Whole words on either side of the cut, unless that leaves almost nothing.
  if (short[headLength] !== ' ' && head.lastIndexOf(' ') > headLength / 2) head = head.slice(0, head.lastIndexOf(' '));
  if (short[short.length - tail.length - 1] !== ' ' && tail.indexOf(' ') >= 0 && tail.indexOf(' ') < tail.length / 2) tail = tail.slice(tail.indexOf(' ') + 1);
  return `${head.trimEnd()} … ${tail.trimStart()}`;
}

function head(spec: { id: string; title: string; description: string; width: number; height: number }): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="${spec.id}-t ${spec.id}-d" viewBox="0 0 ${spec.width} ${spec.height}" width="${spec.width}" height="${spec.height}" class="chart">`
    + `<title id="${spec.id}-t">${esc(spec.title)}</title><desc id="${spec.id}-d">${esc(spec.description)}</desc>`;
}

/**
 * A horizontal bar chart, one bar per establishment, coloured by status, with the target as a
 * dashed line (or a tick per bar when targets differ) and the value and a status symbol at the
 * right. Names are shown while bars are tall enough to carry them; below that the bars stay, in
 * order, and the names are in the table beside the chart.
 */
export function barChart(spec: BarChartSpec): string {
  const { width, height, bars } = spec;
  const font = 9;
  const top = 4;
  const slot = bars.length ? (height - BAR_CHART_MARGIN) / bars.length : 0;
  const showLabels = slot >= 8.5;
  const labelWidth = showLabels ? Math.round(width * 0.42) : 4;
  const valueWidth = showLabels ? 52 : 8;
  const x0 = labelWidth + 4;
  const x1 = width - valueWidth;

  const values = bars.flatMap((b) => [b.value, b.target?.value ?? null]).filter((v): v is number => v !== null);
  const [lo, hi] = spec.domain ?? [Math.min(0, ...values), Math.max(0, ...values) * 1.08 || 1];
  const lowest = lo < 0 ? lo * 1.08 : lo;
  const x = (v: number) => x0 + ((v - lowest) / (hi - lowest)) * (x1 - x0);
  const plotBottom = top + slot * bars.length;

  const out: string[] = [head(spec)];
  for (const t of niceTicks(lowest, hi)) {
    out.push(`<line x1="${px(x(t))}" y1="${top}" x2="${px(x(t))}" y2="${px(plotBottom)}" stroke="${GRID}" stroke-width="0.6"/>`);
    out.push(`<text x="${px(x(t))}" y="${px(plotBottom + 10)}" font-size="${font - 1}" fill="${MUTED}" text-anchor="middle">${esc(spec.tick(t))}</text>`);
  }
  out.push(`<line x1="${px(x(0))}" y1="${top}" x2="${px(x(0))}" y2="${px(plotBottom)}" stroke="${MUTED}" stroke-width="0.8"/>`);

  const maxChars = Math.floor(labelWidth / (font * CHAR_EM));
  bars.forEach((bar, i) => {
    const y = top + i * slot;
    const thickness = Math.max(1.5, slot * 0.66);
    const yBar = y + (slot - thickness) / 2;
    const colour = STATUS_COLOURS[bar.status];
    const middle = px(y + slot / 2 + font * 0.35);
    out.push('<g>');
    out.push(`<title>${esc(`${bar.label} : ${bar.valueText}`)}</title>`);
    if (showLabels) {
      out.push(`<text x="${labelWidth}" y="${middle}" font-size="${font}" fill="${INK}" text-anchor="end"${bar.contract ? ' font-style="italic"' : ''}>${esc(shortName(bar.label, maxChars))}</text>`);
    }
    if (bar.value !== null) {
      const a = x(Math.min(0, bar.value));
      const b = x(Math.max(0, bar.value));
      out.push(`<rect x="${px(a)}" y="${px(yBar)}" width="${px(Math.max(0.8, b - a))}" height="${px(thickness)}" fill="${colour.fill}" rx="1"/>`);
    } else if (showLabels) {
      out.push(`<text x="${px(x0 + 3)}" y="${middle}" font-size="${font - 1}" fill="${MUTED}" font-style="italic">${esc(bar.valueText)}</text>`);
    }
    if (!spec.commonTarget && bar.target) {
      out.push(`<line x1="${px(x(bar.target.value))}" y1="${px(y + 1)}" x2="${px(x(bar.target.value))}" y2="${px(y + slot - 1)}" stroke="${TARGET}" stroke-width="1.6"/>`);
    }
    if (showLabels) {
      out.push(`<text x="${width - 2}" y="${middle}" font-size="${font}" text-anchor="end" fill="${INK}">${bar.value !== null ? esc(bar.valueText) : ''} <tspan fill="${colour.fill}" font-weight="bold">${colour.symbol}</tspan></text>`);
    }
    out.push('</g>');
  });
  if (spec.commonTarget) {
    const tx = px(x(spec.commonTarget.value));
    out.push(`<line x1="${tx}" y1="${top - 2}" x2="${tx}" y2="${px(plotBottom + 2)}" stroke="${TARGET}" stroke-width="1.2" stroke-dasharray="3 2"/>`);
  }
  out.push('</svg>');
  return out.join('');
}

/** One year of a series. */
export interface Point {
  year: number;
  value: number | null;
  /** Shown above the point or bar. */
  valueText: string;
  /** An out-of-line year: drawn in red, this text above its value. */
  flag?: string;
}

export interface SeriesChartSpec {
  id: string;
  title: string;
  description: string;
  width: number;
  height: number;
  points: readonly Point[];
  /** `line` for a rate over the years, `columns` for an amount. */
  kind: 'line' | 'columns';
  /** A reference line (the region's target), dashed; the caption says what it is. */
  target?: number | null;
  tick: (value: number) => string;
}

/** A small chart of one value over the years: a line with its points, or columns. */
export function seriesChart(spec: SeriesChartSpec): string {
  const { width, height, points } = spec;
  const font = 9;
  const left = 40;
  const right = 8;
  const top = 14;
  const bottom = height - 16;
  const values = [...points.map((p) => p.value), spec.target ?? null].filter((v): v is number => v !== null);
  const hi = Math.max(...values, 0) * 1.15 || 1;
  const y = (v: number) => bottom - (v / hi) * (bottom - top);
  const step = points.length ? (width - left - right) / points.length : 0;
  const xc = (i: number) => left + step * (i + 0.5);

  const out: string[] = [head(spec)];
  for (const t of niceTicks(0, hi, 3)) {
    out.push(`<line x1="${left}" y1="${px(y(t))}" x2="${width - right}" y2="${px(y(t))}" stroke="${GRID}" stroke-width="0.6"/>`);
    out.push(`<text x="${left - 3}" y="${px(y(t) + 3)}" font-size="${font - 1}" fill="${MUTED}" text-anchor="end">${esc(spec.tick(t))}</text>`);
  }
  points.forEach((p, i) => {
    out.push(`<text x="${px(xc(i))}" y="${height - 4}" font-size="${font}" fill="${INK}" text-anchor="middle">${p.year}</text>`);
  });
  if (spec.kind === 'columns') {
    points.forEach((p, i) => {
      if (p.value === null) return;
      const w = Math.min(34, step * 0.6);
      const colour = p.flag ? '#c62828' : '#3f6e9a';
      out.push(`<rect x="${px(xc(i) - w / 2)}" y="${px(y(p.value))}" width="${px(w)}" height="${px(bottom - y(p.value))}" fill="${colour}"/>`);
      out.push(`<text x="${px(xc(i))}" y="${px(y(p.value) - 3)}" font-size="${font - 1}" fill="${p.flag ? '#c62828' : INK}" text-anchor="middle">${esc(p.valueText)}</text>`);
      if (p.flag) out.push(`<text x="${px(xc(i))}" y="${px(y(p.value) - 13)}" font-size="${font - 1}" fill="#c62828" font-weight="bold" text-anchor="middle">${esc(p.flag)}</text>`);
    });
  } else {
    const drawn = points.map((p, i) => (p.value === null ? null : `${px(xc(i))},${px(y(p.value))}`)).filter((p): p is string => p !== null);
    if (drawn.length > 1) out.push(`<polyline points="${drawn.join(' ')}" fill="none" stroke="#3f6e9a" stroke-width="1.8"/>`);
    points.forEach((p, i) => {
      if (p.value === null) return;
      out.push(`<circle cx="${px(xc(i))}" cy="${px(y(p.value))}" r="2.6" fill="#3f6e9a"/>`);
      out.push(`<text x="${px(xc(i))}" y="${px(y(p.value) - 5)}" font-size="${font - 1}" fill="${INK}" text-anchor="middle">${esc(p.valueText)}</text>`);
    });
  }
  if (spec.target != null) {
    const ty = px(y(spec.target));
    out.push(`<line x1="${left}" y1="${ty}" x2="${width - right}" y2="${ty}" stroke="${TARGET}" stroke-width="1.1" stroke-dasharray="3 2"/>`);
  }
  out.push('</svg>');
  return out.join('');
}

/** A percentage tick: `15 %`. */
export const percentTick = (v: number): string => `${formatFrenchNumber(v, Number.isInteger(v) ? 0 : 1)} %`;
