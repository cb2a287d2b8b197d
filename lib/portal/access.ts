/**
 * What a caller may touch. Routes call these before reading or writing anything: an establishment
 * only its own FINESS and campaign, staff only its regions.
 */
import { parseDropKey } from '../store/keys';
import type { Caller, EstablishmentCaller, StaffCaller } from './caller';
import { apiErrors } from './errors';

/**
 * The caller as an establishment.
 * @throws ApiError 403 for a staff caller.
 */
export function asEstablishment(caller: Caller): EstablishmentCaller {
  if (caller.kind !== 'establishment') throw apiErrors.establishmentOnly();
  return caller;
}

/**
 * The caller as staff.
 * @throws ApiError 403 for an establishment.
 */
export function asStaff(caller: Caller): StaffCaller {
  if (caller.kind !== 'staff') throw apiErrors.staffOnly();
  return caller;
}

/** Whether the caller may see a region's data: an establishment its own region, staff its regions. */
export function canSeeRegion(caller: Caller, region: string): boolean {
  if (caller.kind === 'establishment') return caller.region === region;
  return caller.regions === 'all' || caller.regions.has(region);
}

/**
 * @throws ApiError 403 when the caller may not see the region.
 */
export function assertRegion(caller: Caller, region: string): void {
  if (!canSeeRegion(caller, region)) throw apiErrors.regionForbidden(region);
}

/** The regions, among those given, that the caller may see. */
export function visibleRegions(caller: Caller, regions: readonly string[]): string[] {
  return regions.filter((r) => canSeeRegion(caller, r));
}

/**
 * Checks that an S3 key is one of the establishment's own uploads (its FINESS, its campaign) and
 * returns what the key says.
 * @throws ApiError 403 for any other key, including keys outside the evidence drop zone.
 */
export function assertOwnEvidenceKey(caller: EstablishmentCaller, key: string): { kind: string; uploadId: string; fileName: string } {
  const parsed = parseDropKey(key);
  if (!parsed || parsed.zone !== 'evidence' || parsed.finess !== caller.finess || parsed.campaign !== caller.campaign) {
    throw apiErrors.otherEstablishment(caller.finess, caller.campaign);
  }
  return { kind: parsed.kind, uploadId: parsed.uploadId, fileName: parsed.fileName };
}
