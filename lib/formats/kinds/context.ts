import type { FormatContext, RaiseIssue } from '../tabular';

/**
 * The year a referential file or extract is for. The registry only recognises these kinds with a
 * year (from the file name or the drop folder) and `caqes validate` asks for one, so its absence is
 * a bug of the caller.
 * @throws Error when the context has no year.
 */
export function yearOf(ctx: FormatContext): number {
  if (ctx.year === null) throw new Error(`no year known for ${ctx.fileName}`);
  return ctx.year;
}

/**
 * Whether a row naming `region` (a region column, or the region of the row's FINESS) is outside the
 * region a file sent from an OMéDIT's page may change; reported as an error on `column` when it is.
 * Rows naming no region, and files from the drop zone (no region), are never outside.
 */
export function outsideRegion(ctx: FormatContext, region: string | null | undefined, column: string, value: string, raise: RaiseIssue): boolean {
  if (ctx.region === undefined || region === null || region === undefined || region === ctx.region) return false;
  const of = column === 'region' ? '' : `établissement de ${region} ; `;
  raise('wrong-region', 'error', column, value, { detail: `${of}ce dépôt est pour ${ctx.region}` });
  return true;
}

/**
 * Region under which `caqes validate` files rows when it was given no referential: membership is
 * then not checked, and nothing is stored.
 */
export const UNCHECKED_REGION = 'NON-VERIFIE';

/**
 * The region of a FINESS géographique from the referential, null when the referential does not
 * know it, or UNCHECKED_REGION when there is no referential to check against.
 */
export function siteRegion(ctx: FormatContext, finess: string): string | null {
  if (ctx.establishments === null) return UNCHECKED_REGION;
  return ctx.establishments.get(finess)?.region ?? null;
}

/**
 * What a FINESS names in the region's referential: a site (FINESS géographique), or a legal entity
 * (FINESS juridique) with its sites; null when the referential knows neither. National files name
 * either, depending on who sent them. Without a referential (`caqes validate`), every FINESS is
 * taken as a site.
 */
export function resolveFiness(ctx: FormatContext, finess: string): { level: 'site' | 'entity'; region: string; sites: number } | null {
  const region = siteRegion(ctx, finess);
  if (region !== null) return { level: 'site', region, sites: 1 };
  return ctx.establishments ? (entitiesOf(ctx.establishments).get(finess) ?? null) : null;
}

type Referential = NonNullable<FormatContext['establishments']>;
type Entity = { level: 'entity'; region: string; sites: number };

/**
 * A referential's legal entities, indexed once: national files name mostly establishments of other
 * regions, and each of their lines asks whether its FINESS is one of ours.
 */
const ENTITIES = new WeakMap<Referential, ReadonlyMap<string, Entity>>();

function entitiesOf(referential: Referential): ReadonlyMap<string, Entity> {
  let entities = ENTITIES.get(referential);
  if (!entities) {
    const built = new Map<string, Entity>();
    for (const e of referential.values()) {
      const known = built.get(e.finessJuridique);
      if (known) known.sites++;
      else built.set(e.finessJuridique, { level: 'entity', region: e.region, sites: 1 });
    }
    entities = built;
    ENTITIES.set(referential, entities);
  }
  return entities;
}

type Located = NonNullable<ReturnType<typeof resolveFiness>>;

/**
 * The two checks every ATIH and CPAM extract makes on a row before counting it: its year is the
 * year of the folder it was dropped in (an error otherwise), and the referential knows its FINESS
 * (a national extract holds establishments the region does not follow: a warning, said once per
 * FINESS, and the row is ignored).
 *
 * @example
 * const rows = extractRows(ctx, 'atih');
 * if (!rows.inYear(row.ann, 'ann', row.ann, report)) return false;
 * const where = rows.locate(row.eta_num, 'eta_num', report);
 * @throws Error when the context has no year (see `yearOf`).
 */
export function extractRows(ctx: FormatContext, folder: 'atih' | 'cpam') {
  const year = yearOf(ctx);
  const unknown = new Set<string>();
  function warnOnce(finess: string, column: string, raise: RaiseIssue, detail: string): null {
    if (!unknown.has(finess)) {
      unknown.add(finess);
      raise('unknown-finess', 'warning', column, finess, { detail });
    }
    return null;
  }
  return {
    year,
    /**
     * Whether a row's year is the folder's; reported on `column` when it is not, with `value` as
     * written (a number is made text only then, not on every row).
     */
    inYear(rowYear: number, column: string, value: string | number, raise: RaiseIssue): boolean {
      if (rowYear === year) return true;
      raise('period-outside-campaign', 'error', column, String(value), { detail: `: ce fichier est déposé dans ${folder}/${year}/` });
      return false;
    },
    /** The region of a FINESS géographique (`siteRegion`), or null once warned. */
    siteRegion(finess: string, column: string, raise: RaiseIssue): string | null {
      return siteRegion(ctx, finess) ?? warnOnce(finess, column, raise, ': ses lignes sont ignorées');
    },
    /** A site or a legal entity (`resolveFiness`), or null once warned. */
    locate(finess: string, column: string, raise: RaiseIssue): Located | null {
      return resolveFiness(ctx, finess) ?? warnOnce(finess, column, raise, '(ni FINESS géographique ni FINESS juridique) : ses lignes sont ignorées');
    },
  };
}

/** What the report says of data sent for a legal entity rather than one of its sites. */
export function entityNote(finessJuridique: string, sites: number): string {
  return sites === 1
    ? `ETA_NUM ${finessJuridique} est le FINESS juridique d’un seul site du référentiel : ses lignes sont attribuées à ce site.`
    : `ETA_NUM ${finessJuridique} est le FINESS juridique de ${sites} sites : ses lignes sont comptées pour l’entité, donc pour son contrat, sans être réparties entre les sites.`;
}
