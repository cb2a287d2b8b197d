import type { FormatContext } from '../tabular';

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
