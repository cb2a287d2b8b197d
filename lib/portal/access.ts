/**
 * What a caller may touch. The router checks the role against the action a route performs
 * (lib/portal/permissions.ts); routes call these before reading or writing anything: an
 * establishment only its own FINESS and campaign, staff only its regions.
 */
import { parseDropKey } from '../store/keys';
import type { Caller, EstablishmentCaller, StaffCaller } from './caller';
import { apiErrors } from './errors';
import { allows, type Action, type Role } from './permissions';

/** The role of a caller in the permissions table. */
function roleOf(caller: Caller): Role {
  return caller.kind === 'establishment' ? 'establishment' : caller.role;
}

/** Whether the caller's role may take the action. */
export function can(caller: Caller, action: Action): boolean {
  return allows(roleOf(caller), action);
}

/**
 * Checks the caller's role may take the action.
 * @throws ApiError 403, worded for who is refused: staff asked for an establishment's action, an
 * establishment for staff's, a reader for a write, anyone for the administrator's.
 */
export function assertCan(caller: Caller, action: Action): void {
  if (can(caller, action)) return;
  if (action.startsWith('depot.')) throw apiErrors.establishmentOnly();
  if (caller.kind === 'establishment') throw apiErrors.staffOnly();
  if (action.startsWith('accounts.') || action === 'platform-audit.read') throw apiErrors.adminOnly();
  if (caller.role === 'admin') throw apiErrors.noRegionalData();
  throw apiErrors.roleForbidden();
}

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

/**
 * The FINESS of an establishment's upload that staff asks for. S3 keys of evidence carry the FINESS
 * (the drop zone's published layout), not the region: the route then checks the establishment's
 * region, from the referential, against the caller.
 * @throws ApiError 403 for a key outside the evidence drop zone.
 */
export function evidenceKeyFiness(key: string): string {
  const parsed = parseDropKey(key);
  if (!parsed || parsed.zone !== 'evidence' || key.split('/').some((part) => part === '..' || part === '.')) throw apiErrors.evidenceOnly();
  return parsed.finess;
}
