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
 *
 * One module for the log: what an entry is (its zod schema), its store in the table (`AuditStore`)
 * and how writes are recorded (`auditLog`) and read (`readAudit`).
 */
import { createHash, randomBytes } from 'node:crypto';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { Region } from '../domain/schemas';
import { isConditionFailure, withoutKeys } from './dynamo-query';
import { dynamoKeys } from './keys';

/**
 * What a write was. The self-evaluation reports record their year's opening, each submission,
 * OMéDIT's review of an indicator or of the contract (`review.recorded`) and a locked or submitted
 * report reopened; their drafts are in each report's own history of versions.
 */
export const AuditAction = z.enum([
  'link.issued',
  'link.revoked',
  'reminder.sent',
  'referential.establishments',
  'referential.targetings',
  'referential.objectives',
  'referential.calendar',
  'referential.parameters',
  'account.created',
  'account.disabled',
  'account.password_reset',
  'review.recorded',
  'report.reopened',
  'report.opened',
  'report.submitted',
  'input.uploaded',
]);
export type AuditAction = z.infer<typeof AuditAction>;

/**
 * Who wrote: an account (its e-mail address, on purpose: that is what an audit log is for), a
 * personal link (its id), the machine credential of `caqes link`, or the pipeline (`system`).
 */
export const AuditActor = z.object({
  kind: z.enum(['account', 'link', 'machine', 'system']),
  id: z.string().min(1).max(254),
});
export type AuditActor = z.infer<typeof AuditActor>;

/** Before and after are small JSON values (counts, a status, a link's id and expiry), never whole lists. */
const Snapshot = z
  .json()
  .nullable()
  .refine((value) => JSON.stringify(value).length <= 4096, 'audit snapshot larger than 4 KiB');
export type AuditSnapshot = z.infer<typeof Snapshot>;

export const AuditEntry = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  /** ISO instant of the write. */
  at: z.string(),
  /** The region whose data changed; null for the platform (accounts). */
  region: Region.nullable(),
  actor: AuditActor,
  action: AuditAction,
  /** The action in French, as the log shows it. */
  label: z.string(),
  /** What was written to: a FINESS, a referential file, an account's e-mail… */
  target: z.string().nullable(),
  before: Snapshot,
  after: Snapshot,
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** At most this many entries per region and query: the page asks for a period. */
export const AUDIT_PAGE_LIMIT = 500;

/** The audit log in the table: one partition per region, one for the platform, entries sorted by instant. */
export class AuditStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * Writes an entry once: an entry with the same region, instant and id is left as it is (a
   * re-delivered event records nothing twice). Returns whether it was written now.
   * @throws ZodError for an entry out of shape; Error when DynamoDB refuses the write.
   */
  async put(entry: AuditEntry): Promise<boolean> {
    const item = AuditEntry.parse(entry);
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...dynamoKeys.audit(item.region, item.at, item.id), ...item },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** The entries of a region (or of the platform) between two ISO instants, newest first, at most `AUDIT_PAGE_LIMIT`. */
  async list(region: string | null, from: string, to: string): Promise<AuditEntry[]> {
    const k = dynamoKeys.auditRange(region, from, to);
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': k.pk, ':from': k.skFrom, ':to': k.skTo },
        ScanIndexForward: false,
        Limit: AUDIT_PAGE_LIMIT,
      }),
    );
    return (out.Items ?? []).map((item) => AuditEntry.parse(withoutKeys(item)));
  }
}

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
