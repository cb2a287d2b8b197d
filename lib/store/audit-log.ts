/**
 * The audit log: every write (a referential change, a link issued or revoked, a reminder sent, an
 * account created, disabled or reset, a year's self-evaluation reports opened, a report submitted,
 * reviewed or reopened) is recorded with who, when, what, before and after, in its region's partition
 * (accounts, which are not regional, in the platform's). OMéDIT reads its regions' log, the
 * administrator the platform's.
 *
 * Entries name the account that acted by its e-mail address: that is what an audit log is for.
 * They never hold a password, a session id, a token or a personal link; Powertools logs hold
 * none of these either, nor any e-mail address.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { AuditAction, AuditActor, AuditEntry, AuditSnapshot, AuditStore } from './audit-store';

/** How each action reads in the log. */
export const AUDIT_LABELS: Readonly<Record<AuditAction, string>> = {
  'link.issued': 'Lien de dépôt créé',
  'link.revoked': 'Liens de dépôt désactivés',
  'reminder.sent': 'Relance envoyée',
  'referential.establishments': 'Référentiel des établissements modifié',
  'referential.targetings': 'Ciblage modifié',
  'referential.objectives': 'Objectifs modifiés',
  'referential.calendar': 'Calendrier modifié',
  'referential.parameters': 'Paramètres modifiés',
  'account.created': 'Compte créé',
  'account.disabled': 'Compte désactivé',
  'account.password_reset': 'Mot de passe réinitialisé',
  'review.recorded': 'Évaluation enregistrée',
  'report.reopened': 'Rapport d’auto-évaluation rouvert',
  'report.opened': 'Rapports d’auto-évaluation ouverts',
  'report.submitted': 'Rapport d’auto-évaluation soumis',
  'input.uploaded': 'Fichier envoyé par l’OMéDIT',
};

/** The pipeline, when it writes on its own (a file applied, a reminder sent). */
export const SYSTEM_ACTOR: AuditActor = { kind: 'system', id: 'pipeline' };

export interface AuditEvent {
  /** The region whose data changed; null for the platform (accounts). */
  region: string | null;
  actor: AuditActor;
  action: AuditAction;
  target: string | null;
  before?: AuditSnapshot;
  after?: AuditSnapshot;
  /**
   * For a write that may be repeated (a re-delivered event, a retried job): the same id and instant
   * each time, so that it is recorded once (`stableAuditId`). Otherwise a new id, at the present.
   */
  id?: string;
  at?: string;
}

/** Records audit entries. */
export interface AuditLog {
  /** @throws Error when the entry cannot be written (the write it records has happened: the caller decides). */
  record(event: AuditEvent): Promise<void>;
}

/**
 * The audit log over its store.
 *
 * @example
 * await auditLog(rt.audit, rt.now).record({ region: 'PACA', actor: actorOf(caller), action: 'link.issued', target: '130780018', after: { id } });
 */
export function auditLog(store: Pick<AuditStore, 'put'>, now: () => Date): AuditLog {
  return {
    async record(event) {
      const entry: AuditEntry = {
        id: event.id ?? randomBytes(12).toString('base64url'),
        at: event.at ?? now().toISOString(),
        region: event.region,
        actor: event.actor,
        action: event.action,
        label: AUDIT_LABELS[event.action],
        target: event.target,
        before: event.before ?? null,
        after: event.after ?? null,
      };
      await store.put(entry);
    },
  };
}

/** An id that is the same each time the same write is recorded again. */
export function stableAuditId(...parts: readonly (string | number)[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('base64url').slice(0, 24);
}


/**
 * The log of some regions (or of the platform, `null`) between two ISO instants, newest first.
 * The caller has been checked for each region asked.
 */
export async function readAudit(store: Pick<AuditStore, 'list'>, regions: readonly (string | null)[], from: string, to: string): Promise<AuditEntry[]> {
  const lists = await Promise.all(regions.map((r) => store.list(r, from, to)));
  return lists.flat().sort((a, b) => b.at.localeCompare(a.at) || a.id.localeCompare(b.id));
}
