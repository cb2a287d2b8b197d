/**
 * How an establishment's year of ATIH MO facts is kept: one item per establishment and year, its
 * periods (`M01`…`M12`, or `Y` for a year given whole) inside, each with the order of the upload
 * that gave it. One conditional write per establishment and year, not one per month: an extract of
 * 300 establishments is 300 reads and 300 writes, not 3,900 conditional puts (the embedded DynamoDB spent most of `caqes run`'s
 * fixed time on those requests, and Lambda pays for each one too).
 *
 * Items written before this layout, one per period (`FACT#MO#<finess>#M05`), are still read: a
 * period's newest upload wins whichever item holds it, and the next upload of the establishment's
 * year folds them into its item.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import { MoFact, SourceRef } from '../domain/schemas';
import { MAX_HISTORY } from './table-items';

/** A period as the item names it: `M01`…`M12`, or `Y` for a year given whole. */
function periodOf(month: number | null): string {
  return month === null ? 'Y' : `M${String(month).padStart(2, '0')}`;
}

function monthOf(period: string): number | null {
  return period === 'Y' ? null : Number(period.slice(1));
}

const ALL_PERIODS = ['Y', ...Array.from({ length: 12 }, (_, i) => periodOf(i + 1))];

/** A fact as its period keeps it: the item's keys left out, the per-UCD lists as tuples (a year of 40 UCDs a month: 19.3 KB, against 32.7 KB as the facts' JSON). */
const PackedFact = MoFact.omit({ region: true, finess: true, year: true, month: true, ucdCosts: true, i999ByUcd: true }).extend({
  ucdCosts: z.array(z.tuple([z.string(), z.number(), z.number()])),
  i999ByUcd: z.array(z.tuple([z.string(), z.number(), z.number().int()])),
});

/**
 * One period of an establishment's year: the fact of the newest upload that gave it, or none when a
 * newer upload gave the year the other way (whole, or month by month), so an older upload arriving
 * late cannot bring it back.
 */
const MoPeriod = z.object({ order: z.string(), fact: PackedFact.nullable() });
type MoPeriod = z.infer<typeof MoPeriod>;

export type Periods = Map<string, MoPeriod>;

function pack(fact: MoFact): z.infer<typeof PackedFact> {
  const { region: _r, finess: _f, year: _y, month: _m, ucdCosts, i999ByUcd, ...rest } = fact;
  return { ...rest, ucdCosts: ucdCosts.map((c) => [c.ucd, c.units, c.amount]), i999ByUcd: i999ByUcd.map((c) => [c.ucd, c.units, c.lines]) };
}

/**
 * One copy of each UCD's text for a listing: the stored JSON gives every establishment-month its
 * own copy of the same few hundred codes, which the computation of a region then held together.
 */
export type UcdTexts = Map<string, string>;

function sharedText(texts: UcdTexts, ucd: string): string {
  const known = texts.get(ucd);
  if (known !== undefined) return known;
  texts.set(ucd, ucd);
  return ucd;
}

/**
 * A stored fact as the computation reads it. Its period was checked against `PackedFact` when
 * decoded: the fact is built from it directly, not parsed a second time, which copied every UCD
 * of a region once more.
 */
function unpack(region: string, year: number, finess: string, period: string, packed: z.infer<typeof PackedFact>, texts: UcdTexts): MoFact {
  const { level, totalUcd, totalAmount, i999Ucd, i999Amount, i997Ucd, lines, anomalies, source, replaced } = packed;
  return {
    region,
    finess,
    level,
    year,
    month: monthOf(period),
    totalUcd,
    totalAmount,
    i999Ucd,
    i999Amount,
    i997Ucd,
    lines,
    anomalies,
    ucdCosts: packed.ucdCosts.map(([ucd, units, amount]) => ({ ucd: sharedText(texts, ucd), units, amount })),
    i999ByUcd: packed.i999ByUcd.map(([ucd, units, lines]) => ({ ucd: sharedText(texts, ucd), units, lines })),
    source,
    replaced,
  };
}

const LegacyItem = z.object({ sk: z.string(), order: z.string(), removed: z.literal(true).optional() }).loose();
/** The periods of an establishment's year item: the gzip of a JSON object, period → `MoPeriod`. */
const YearPeriods = z.object({ periods: z.instanceof(Uint8Array) });
const PeriodsJson = z.record(z.string(), MoPeriod);

function periodsText(periods: Periods): string {
  return JSON.stringify(Object.fromEntries(ALL_PERIODS.filter((p) => periods.has(p)).map((p) => [p, periods.get(p)])));
}

function decodedText(item: Record<string, unknown>): string {
  return gunzipSync(YearPeriods.parse(item).periods).toString('utf8');
}

/** The establishment of a stored item, from its sort key (`FACT#MO#<finess>`, then `#<period>` for an item of one period): tombstones of one period carry nothing else. */
export function establishmentOf(item: { sk: string }): string {
  return item.sk.split('#')[2] ?? '';
}

/** Whether a stored item is an establishment's year (this layout), rather than one period of it (the layout before). */
function isYearItem(item: Record<string, unknown>): boolean {
  return 'periods' in item;
}

/**
 * The periods the stored items of one establishment's year hold: its year item, and items of one
 * period each written before it. The newest upload of a period wins; at the same order, the year item.
 */
export function periodsOf(items: readonly Record<string, unknown>[]): Periods {
  const periods: Periods = new Map();
  const offer = (period: string, entry: MoPeriod, wins: (held: MoPeriod) => boolean) => {
    const held = periods.get(period);
    if (!held || wins(held)) periods.set(period, entry);
  };
  for (const item of items) {
    if (isYearItem(item)) continue;
    const legacy = LegacyItem.parse(item);
    const period = legacy.sk.slice(legacy.sk.lastIndexOf('#') + 1);
    const fact = legacy.removed ? null : pack(MoFact.parse(item));
    offer(period, { order: legacy.order, fact }, (held) => held.order < legacy.order);
  }
  for (const item of items) {
    if (!isYearItem(item)) continue;
    for (const [period, entry] of Object.entries(PeriodsJson.parse(JSON.parse(decodedText(item))))) {
      offer(period, entry, (held) => held.order <= entry.order);
    }
  }
  return periods;
}

/**
 * The facts a set of periods holds (tombstones left out), in period order; `texts` shares the UCD
 * codes across the establishments of one listing.
 */
export function factsOf(region: string, year: number, finess: string, periods: Periods, texts: UcdTexts = new Map()): MoFact[] {
  return ALL_PERIODS.flatMap((period) => {
    const entry = periods.get(period);
    return entry?.fact ? [unpack(region, year, finess, period, entry.fact, texts)] : [];
  });
}

/**
 * An upload's facts of one establishment and year applied to its periods: each fact unless a newer
 * upload already gave its period (the same order is applied again, so a retried processing completes
 * the same way), the source it replaces kept in its history (newest first). A year is given either
 * whole or month by month: the newest upload's way wins, the other periods becoming tombstones so
 * that nothing is counted twice. Returns the periods after, and the facts applied.
 */
export function applyUpload(current: Periods, facts: readonly MoFact[], order: string): { periods: Periods; written: MoFact[] } {
  const periods: Periods = new Map(current);
  const written: MoFact[] = [];
  for (const fact of facts) {
    const period = periodOf(fact.month);
    const held = periods.get(period);
    if (held && held.order > order) continue;
    const previous = held?.fact?.source;
    const history = held?.fact?.replaced ?? [];
    const same = previous !== undefined && previous.key === fact.source.key && previous.version === fact.source.version;
    const replaced: SourceRef[] = same || previous === undefined ? history : [previous, ...history].slice(0, MAX_HISTORY);
    periods.set(period, { order, fact: pack({ ...fact, replaced }) });
    written.push(fact);
  }
  const others = new Set(written.flatMap((f) => (f.month === null ? ALL_PERIODS.filter((p) => p !== 'Y') : ['Y'])));
  for (const period of others) {
    const held = periods.get(period);
    if (!held || held.order <= order) periods.set(period, { order, fact: null });
  }
  return { periods, written };
}

/**
 * The periods as the year item stores them: one gzip-compressed JSON object, in period order.
 * Compressed, a year of 40 UCDs a month takes 5.6 KB (32.7 KB as the facts' JSON), so a large
 * hospital's year of UCD costs stays far below DynamoDB's 400 KB per item; binary, the SDK sends it
 * as base64 rather than escaping JSON within JSON character by character.
 *
 * Null when the stored item already holds exactly these bytes (nothing to write: a redelivery),
 * compared compressed: the stored item was decompressed once already, by `periodsOf`. Bytes
 * compressed by another zlib may differ for the same periods: the item is then written again, the same.
 */
export function periodsToWrite(items: readonly Record<string, unknown>[], periods: Periods): Uint8Array | null {
  const bytes = gzipSync(periodsText(periods));
  const yearItems = items.filter(isYearItem);
  if (items.length === 1 && yearItems.length === 1 && Buffer.from(YearPeriods.parse(yearItems[0]!).periods).equals(bytes)) return null;
  return bytes;
}
