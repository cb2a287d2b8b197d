/**
 * Who may do what: the one table of roles and the actions each may take. Every API route names
 * the action it performs (lib/portal/routes.ts) and the router refuses a caller whose role does
 * not have it, before the route reads anything; the route then checks the regions, FINESS and
 * campaign it touches against the caller (lib/portal/access.ts). The test of roles × routes is
 * generated from this table and the routes list.
 */
import type { StaffRole } from '../store/account-store';

export const ACTIONS = [
  // An establishment, through its personal link: its own FINESS and campaign.
  'depot.read',
  'depot.upload',
  'depot.result',
  // Its contract's self-evaluation report of its link's year: read, fill in, submit.
  'depot.report.read',
  'depot.report.write',
  // Regional data, in the caller's regions.
  'overview.read',
  'summary.read',
  'file.read',
  'links.read',
  'links.issue',
  'links.revoke',
  'audit.read',
  // The self-evaluation reports: read (and export), open a year's, review, reopen, read a report's history.
  'reports.read',
  'reports.open',
  'reports.review',
  'reports.reopen',
  'reports.history',
  // OMéDIT's own files (referential, calendar, extracts…) of its regions: list them and their reports, send one, download one.
  'inputs.read',
  'inputs.upload',
  'inputs.download',
  // The e-mails a single machine kept or relayed for the caller's regions (reminders carry personal links).
  'emails.read',
  // The platform: accounts and their log, no regional data.
  'accounts.read',
  'accounts.write',
  'platform-audit.read',
] as const;
export type Action = (typeof ACTIONS)[number];

/** Every kind of caller: the staff roles, and an establishment acting through its link. */
export type Role = StaffRole | 'establishment';

export const PERMISSIONS: Readonly<Record<Role, readonly Action[]>> = {
  establishment: ['depot.read', 'depot.upload', 'depot.result', 'depot.report.read', 'depot.report.write'],
  // Everything of its regions: status, summaries, the establishments' files and their results, links,
  // the log, and the self-evaluation reports (opened, reviewed, reopened by OMéDIT, their history).
  omedit: [
    'overview.read',
    'summary.read',
    'file.read',
    'links.read',
    'links.issue',
    'links.revoke',
    'audit.read',
    'reports.read',
    'reports.open',
    'reports.review',
    'reports.reopen',
    'reports.history',
    'inputs.read',
    'inputs.upload',
    'inputs.download',
    'emails.read',
  ],
  // The contract's co-signers read indicators, reports, summaries and which inputs OMéDIT sent (with their reports) of their regions, and write nothing.
  ars: ['overview.read', 'summary.read', 'reports.read', 'inputs.read'],
  assurance_maladie: ['overview.read', 'summary.read', 'reports.read', 'inputs.read'],
  admin: ['accounts.read', 'accounts.write', 'platform-audit.read'],
};

/** What each role is called on the pages. */
export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  establishment: 'Établissement (lien personnel)',
  omedit: 'Pharmacien OMéDIT',
  ars: 'ARS (lecture seule)',
  assurance_maladie: 'Assurance Maladie (lecture seule)',
  admin: 'Administrateur de la plateforme',
};

/**
 * Whether a role may take an action.
 *
 * @example
 * allows('ars', 'links.issue') // false
 */
export function allows(role: Role, action: Action): boolean {
  return PERMISSIONS[role].includes(action);
}
