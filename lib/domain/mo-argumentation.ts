/**
 * The share of hors-AMM prescriptions argued, as the seed sets it: "100% prescriptions hors AMM
 * argumentées : AMM Miroir (I997) à préciser ou exclure" (webinar of 04/02/2026). What was prescribed
 * is ATIH's (the establishment's I999 UCD of the campaign's semester), not the lines its own file lists.
 */
import { formatFrenchNumber } from '../io/french';
import { campaignYear } from './campaign';
import { ucdKey } from './indication';
import type { ArgumentationCoverage, Campaign, EvidenceRecord, MoFact, ResultComponent } from './schemas';

/** Units compared at this precision: stay-level extracts give fractional units. */
const EPSILON = 1e-9;

/** The months a campaign covers: S1 1-6, S2 7-12, a whole-year campaign all twelve. */
export function campaignMonths(campaign: Campaign): number[] {
  const half = campaign.slice(5);
  if (half === 'S1') return [1, 2, 3, 4, 5, 6];
  if (half === 'S2') return [7, 8, 9, 10, 11, 12];
  return [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
}

/** A campaign as a pharmacist writes it: `S2 2025`, `l’année 2025`. */
export function campaignWords(campaign: Campaign): string {
  return campaign.length > 4 ? `${campaign.slice(5)} ${campaign.slice(0, 4)}` : `l’année ${campaign}`;
}

/**
 * Facts and argumentations are matched per owner and UCD: a site's own, or a legal entity's when its
 * stay-level data cannot be split into its sites (its sites' argumentations are then the entity's).
 */
export interface Owned<T> {
  owner: string;
  item: T;
}

type Argued = { units: number; arguedUnits: number };

function withoutDataReason(campaign: Campaign, facts: readonly MoFact[]): string | null {
  const months = campaignMonths(campaign);
  const semester = campaign.length > 4;
  const inPeriod = facts.filter((f) => (f.month === null ? !semester : months.includes(f.month)));
  if (inPeriod.length === 0) {
    return semester && facts.some((f) => f.month === null)
      ? `données ATIH ${campaignYear(campaign)} reçues pour l’année entière, sans mois : le semestre ne peut pas être isolé`
      : `aucune donnée ATIH pour ${campaignWords(campaign)}`;
  }
  // Facts stored before the detail per UCD was kept: the extract has to be read again.
  if (inPeriod.some((f) => f.i999Ucd > 0 && f.i999ByUcd.length === 0)) return 'extrait ATIH reçu sans le détail des UCD hors AMM : à déposer de nouveau';
  return null;
}

/**
 * Matches, for each campaign, the I999 units ATIH shows per UCD against the units the current
 * argumentation argues for that UCD (capped at the units prescribed). Campaigns without usable ATIH
 * data are set apart with why. AMM miroir and exclusions are collected as declared, never required.
 */
export function argumentationCoverage(campaigns: readonly Campaign[], facts: readonly Owned<MoFact>[], argumentations: readonly Owned<EvidenceRecord>[]): ArgumentationCoverage {
  const c: ArgumentationCoverage = {
    campaigns: [...campaigns].sort(),
    withoutData: [],
    prescribed: { units: 0, lines: 0, codes: 0 },
    covered: { units: 0, codes: 0 },
    notArgued: [],
    notInAtih: [],
    ammMiroir: { lines: 0, items: [] },
    exclusions: { lines: 0, items: [] },
  };
  for (const campaign of c.campaigns) {
    const records = argumentations.filter((a) => a.item.campaign === campaign);
    for (const { item } of records) {
      if (item.summary?.type !== 'argumentaire') continue;
      c.ammMiroir.lines += item.summary.ammMiroirLines;
      c.ammMiroir.items.push(...item.summary.ammMiroir.map((x) => ({ campaign, ...x })));
      c.exclusions.lines += item.summary.excludedLines;
      c.exclusions.items.push(...item.summary.exclusions.map((x) => ({ campaign, ...x })));
    }
    const reason = withoutDataReason(
      campaign,
      facts.filter((f) => f.item.year === campaignYear(campaign)).map((f) => f.item),
    );
    if (reason !== null) {
      c.withoutData.push({ campaign, reason });
      continue;
    }
    const months = campaignMonths(campaign);
    const prescribed = new Map<string, { ucd: string; units: number; lines: number }>();
    for (const { owner, item: f } of facts) {
      if (f.year !== campaignYear(campaign) || (f.month === null ? campaign.length > 4 : !months.includes(f.month))) continue;
      for (const u of f.i999ByUcd) {
        const key = `${owner}#${ucdKey(u.ucd)}`;
        const p = prescribed.get(key) ?? { ucd: ucdKey(u.ucd), units: 0, lines: 0 };
        p.units += u.units;
        p.lines += u.lines;
        prescribed.set(key, p);
      }
    }
    const argued = new Map<string, Argued & { ucd: string }>();
    for (const { owner, item } of records) {
      if (item.summary?.type !== 'argumentaire') continue;
      for (const u of item.summary.byUcd) {
        const key = `${owner}#${u.ucd}`;
        const a = argued.get(key) ?? { ucd: u.ucd, units: 0, arguedUnits: 0 };
        a.units += u.units;
        a.arguedUnits += u.arguedUnits;
        argued.set(key, a);
      }
    }
    for (const [key, p] of prescribed) {
      const covered = Math.min(argued.get(key)?.arguedUnits ?? 0, p.units);
      c.prescribed.units += p.units;
      c.prescribed.lines += p.lines;
      c.prescribed.codes++;
      c.covered.units += covered;
      if (covered >= p.units - EPSILON) c.covered.codes++;
      else c.notArgued.push({ campaign, ucd: p.ucd, units: p.units - covered });
    }
    for (const [key, a] of argued) if (!prescribed.has(key)) c.notInAtih.push({ campaign, ucd: a.ucd, units: a.units });
  }
  return c;
}

/** Lists at most this many UCD in a note; the coverage keeps them all. */
const NOTE_ITEMS = 10;

function ucdList(items: readonly { ucd: string; units: number }[]): string {
  const shown = items.slice(0, NOTE_ITEMS).map((i) => `${i.ucd} (${formatFrenchNumber(i.units, Number.isInteger(i.units) ? 0 : 2)} UCD)`);
  return items.length > NOTE_ITEMS ? `${shown.join(', ')} et ${items.length - NOTE_ITEMS} autre(s)` : shown.join(', ');
}

const count = (n: number, word: string) => `${formatFrenchNumber(n, Number.isInteger(n) ? 0 : 2)} ${word}`;

/** The coverage in French: what is argued, what remains, what ATIH does not show, what was declared. */
export function coverageNote(c: ArgumentationCoverage): string {
  const parts: string[] = [];
  if (c.campaigns.length > c.withoutData.length) {
    parts.push(
      `${count(c.covered.units, 'UCD')} argumentées sur ${count(c.prescribed.units, 'UCD')} codées I999 selon l’ATIH (${c.covered.codes} code(s) UCD sur ${c.prescribed.codes})`,
    );
  }
  for (const w of c.withoutData) parts.push(`${campaignWords(w.campaign)} : ${w.reason}`);
  if (c.notArgued.length) parts.push(`UCD prescrites hors AMM non argumentées : ${ucdList(c.notArgued)}`);
  if (c.notInAtih.length) parts.push(`UCD argumentées absentes des données ATIH (codage PMSI ou FINESS à vérifier) : ${ucdList(c.notInAtih)}`);
  if (c.ammMiroir.lines) parts.push(`${c.ammMiroir.lines} ligne(s) déclarée(s) AMM miroir : codage I997 à corriger dans le PMSI`);
  if (c.exclusions.lines) parts.push(`${c.exclusions.lines} ligne(s) déclarée(s) exclue(s)`);
  return parts.join(' ; ');
}

export const ARGUED_LABEL = 'Part des prescriptions hors AMM argumentées (UCD I999 de l’ATIH)';

/**
 * The share argued as one part of MO, against 100 %: `no_data` when no campaign has ATIH data (never
 * 100 % by default); pending while an argumentation can still come in time; `no_data` also when a
 * campaign's data is missing and the others are fully argued (that campaign is still to measure).
 */
export function arguedComponent(c: ArgumentationCoverage, open: boolean, assumption: string | null = null): ResultComponent {
  const measured = c.campaigns.length > c.withoutData.length;
  const value = !measured ? null : c.prescribed.units > 0 ? (c.covered.units / c.prescribed.units) * 100 : 100;
  const complete = measured && c.covered.units >= c.prescribed.units - EPSILON;
  let status: ResultComponent['status'];
  if (!measured) status = 'no_data';
  else if (!complete) status = open ? 'pending' : 'not_met';
  else status = c.withoutData.length ? 'no_data' : 'met';
  return {
    id: 'argued',
    label: ARGUED_LABEL,
    numerator: measured ? c.covered.units : null,
    denominator: measured ? c.prescribed.units : null,
    value,
    unit: '%',
    target: { comparator: '>=', value: 100, source: 'default' },
    status,
    note: [assumption, coverageNote(c)].filter(Boolean).join(' ; ') || null,
    coverage: c,
  };
}
