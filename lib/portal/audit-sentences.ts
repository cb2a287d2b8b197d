/**
 * The audit log as OMéDIT and the administrator read it: each entry one French sentence saying who
 * did what, to whom, when ("omedit@paca.fr a créé un lien de dépôt pour Hôpital de Toulon (830100012),
 * campagne 2025-S2, valable jusqu’au 25/03/2026, le 23/02/2026 à 09:30."), values rounded, actors
 * named: an account by its e-mail, a personal link by its establishment, the pipeline and the
 * machine credential by what they are. The entries stay as stored; the sentence is added when read.
 */
import { z } from 'zod';
import { formatFrenchDate, formatFrenchNumber } from '../io/french';
import { FINAL_RESULT_LABELS, indicatorLabel, REPORT_STATUS_LABELS, STATUS_LABELS } from '../report/labels';
import { instantLabel } from '../report/self-evaluation-view';
import type { AuditEntry } from '../store/audit-log';
import type { ReferentialStore } from '../store/referential-store';
import { ROLE_LABELS } from './permissions';

/** What the sentences need to name things: establishments by FINESS, deadlines by campaign and id. */
export interface AuditNames {
  establishment(finess: string): string | null;
  deadline(campaign: string, id: string): string | null;
}

export type DescribedEntry = AuditEntry & { actorLabel: string; sentence: string };

/** The fields of the snapshots that sentences read; anything else in them is left out. */
const Snapshot = z
  .object({
    campaign: z.string(),
    expiresAt: z.string(),
    id: z.string(),
    revoked: z.number(),
    deadline: z.string(),
    step: z.string(),
    recipients: z.number(),
    role: z.string(),
    regions: z.array(z.string()),
    delivery: z.string(),
    year: z.number(),
    opened: z.number(),
    version: z.number(),
    finess: z.string(),
    indicator: z.string(),
    decision: z.string(),
    status: z.string().nullable(),
    value: z.number().nullable(),
    final: z.string(),
    until: z.string(),
    reason: z.string(),
    kind: z.string(),
    fileName: z.string(),
    size: z.number(),
  })
  .partial();
type Snapshot = z.infer<typeof Snapshot>;

function snapshot(value: unknown): Snapshot {
  const parsed = Snapshot.safeParse(value);
  return parsed.success ? parsed.data : {};
}

function plural(n: number, word: string): string {
  return `${formatFrenchNumber(n)} ${word}${n > 1 ? 's' : ''}`;
}

/** Who acted, named. */
export function actorLabel(entry: AuditEntry, names: AuditNames): string {
  const { actor } = entry;
  if (actor.kind === 'account') return actor.id;
  if (actor.kind === 'system') return 'Le traitement automatique';
  if (actor.kind === 'machine') return `La commande ${actor.id}`;
  // A personal link acts for one establishment: the entry names it (a report submitted names its FINESS).
  const finess = snapshot(entry.after).finess;
  const name = finess ? names.establishment(finess) : null;
  return name ?? (finess ? `L’établissement ${finess}` : 'Un établissement (lien personnel)');
}

function establishment(finess: string | null, names: AuditNames): string {
  if (!finess) return 'un établissement';
  const name = names.establishment(finess);
  return name ? `${name} (${finess})` : `l’établissement ${finess}`;
}

/** The referential files, as the drop zone names them. */
const REFERENTIAL_NOUNS: Readonly<Record<string, string>> = {
  'referential.establishments': 'le fichier des établissements',
  'referential.targetings': 'le fichier de ciblage',
  'referential.objectives': 'le fichier des objectifs',
  'referential.calendar': 'le fichier du calendrier',
  'referential.parameters': 'le fichier des paramètres',
};

/** A count before and after, from a referential entry's `{ <file>: n }` snapshots. */
function countOf(value: unknown): number | null {
  const first = value !== null && typeof value === 'object' ? Object.values(value)[0] : undefined;
  return typeof first === 'number' ? first : null;
}

function reviewPhrase(entry: AuditEntry, after: Snapshot): string {
  const year = after.year ? ` ${after.year}` : '';
  if (after.final) return `a enregistré le résultat final du contrat ${entry.target ?? ''}${year} : ${FINAL_RESULT_LABELS[after.final as keyof typeof FINAL_RESULT_LABELS] ?? after.final}`;
  const indicator = after.indicator ? indicatorLabel(after.indicator as Parameters<typeof indicatorLabel>[0]) : 'un indicateur';
  const status = after.status ? STATUS_LABELS[after.status as keyof typeof STATUS_LABELS] ?? after.status : null;
  const value = typeof after.value === 'number' ? `, valeur ${formatFrenchNumber(after.value, 1)}` : '';
  const how = after.decision === 'computed' ? ' (résultat calculé retenu)' : after.decision === 'set' ? ' (résultat fixé par l’OMéDIT)' : '';
  return `a évalué l’indicateur ${indicator} du contrat ${entry.target ?? ''}${year}${status ? ` : ${status.toLowerCase()}` : ''}${value}${how}`;
}

/** What was done, as a verb phrase following the actor. */
function phrase(entry: AuditEntry, names: AuditNames): string {
  const before = snapshot(entry.before);
  const after = snapshot(entry.after);
  const campaign = after.campaign ? `, campagne ${after.campaign}` : '';
  switch (entry.action) {
    case 'link.issued':
      return `a créé un lien de dépôt pour ${establishment(entry.target, names)}${campaign}${after.expiresAt ? `, valable jusqu’au ${formatFrenchDate(after.expiresAt.slice(0, 10))}` : ''}`;
    case 'link.revoked':
      return after.id !== undefined
        ? `a désactivé un lien de dépôt de ${establishment(entry.target, names)}${campaign}`
        : `a désactivé ${plural(after.revoked ?? 0, 'lien')} de dépôt de ${establishment(entry.target, names)}${campaign}`;
    case 'reminder.sent': {
      const deadline = after.campaign && after.deadline ? names.deadline(after.campaign, after.deadline) ?? after.deadline : 'une échéance';
      return `a envoyé la relance${after.step ? ` ${after.step}` : ''} « ${deadline} » à ${establishment(entry.target, names)} (${plural(after.recipients ?? 0, 'destinataire')})`;
    }
    case 'referential.establishments':
    case 'referential.targetings':
    case 'referential.objectives':
    case 'referential.calendar':
    case 'referential.parameters': {
      const [was, now] = [countOf(entry.before), countOf(entry.after)];
      const counts = was !== null && now !== null ? ` : ${formatFrenchNumber(was)} élément(s) avant, ${formatFrenchNumber(now)} après` : '';
      return `a appliqué ${REFERENTIAL_NOUNS[entry.action]}${entry.target ? ` « ${entry.target} »` : ''}${counts}`;
    }
    case 'account.created':
      return `a créé le compte ${entry.target ?? ''}${after.role ? ` (${ROLE_LABELS[after.role as keyof typeof ROLE_LABELS] ?? after.role}${after.regions && after.regions.length > 0 ? `, ${after.regions.join(', ')}` : ''})` : ''}`;
    case 'account.disabled':
      return `a désactivé le compte ${entry.target ?? ''}`;
    case 'account.password_reset':
      return `a réinitialisé le mot de passe de ${entry.target ?? ''}${after.delivery ? ` (${after.delivery})` : ''}`;
    case 'report.opened':
      return `a ouvert les rapports d’auto-évaluation ${after.year ?? entry.target ?? ''} (${plural(after.opened ?? 0, 'contrat')})`;
    case 'report.submitted':
      return `a soumis le rapport d’auto-évaluation ${after.year ?? ''} du contrat ${entry.target ?? ''}${after.version ? ` (version ${after.version})` : ''}`;
    case 'report.reopened':
      return `a rouvert le rapport d’auto-évaluation ${after.year ?? ''} du contrat ${entry.target ?? ''}${before.status ? ` (${(REPORT_STATUS_LABELS[before.status as keyof typeof REPORT_STATUS_LABELS] ?? before.status).toLowerCase()})` : ''}${after.until ? ` jusqu’au ${formatFrenchDate(after.until)}` : ''}${after.reason ? ` : « ${after.reason} »` : ''}`;
    case 'review.recorded':
      return reviewPhrase(entry, after);
    case 'input.uploaded':
      return `a envoyé le fichier « ${after.fileName ?? entry.target ?? ''} »${after.kind ? ` (${after.kind}${after.year ? ` ${after.year}` : ''})` : ''}${after.size !== undefined ? `, ${formatFrenchNumber(Math.max(1, Math.round(after.size / 1024)))} Ko` : ''}`;
  }
}

/**
 * The entry with its actor named and its sentence.
 *
 * @example
 * describeAuditEntry(entry, names).sentence
 * // 'Le traitement automatique a envoyé la relance J-14 « Retour des preuves » à CH de Toulon (830100012) (2 destinataires), le 23/02/2026 à 07:00.'
 */
export function describeAuditEntry(entry: AuditEntry, names: AuditNames): DescribedEntry {
  const actor = actorLabel(entry, names);
  return { ...entry, actorLabel: actor, sentence: `${actor} ${phrase(entry, names)}, le ${instantLabel(entry.at)}.` };
}

/** Names from the referential: establishments of the regions read, and every deadline's label. */
export function auditNames(establishments: readonly { finess: string; raisonSociale: string }[], deadlines: readonly { campaign: string; id: string; label: string }[]): AuditNames {
  const byFiness = new Map(establishments.map((e) => [e.finess, e.raisonSociale]));
  const byDeadline = new Map(deadlines.map((d) => [`${d.campaign}#${d.id}`, d.label]));
  return {
    establishment: (finess) => byFiness.get(finess) ?? null,
    deadline: (campaign, id) => byDeadline.get(`${campaign}#${id}`) ?? null,
  };
}

/** The entries of some regions' log (or the platform's, `null`), each with its sentence. */
export async function describeAudit(entries: readonly AuditEntry[], regions: readonly (string | null)[], referential: Pick<ReferentialStore, 'listEstablishments' | 'listDeadlines'>): Promise<DescribedEntry[]> {
  const regional = regions.filter((r): r is string => r !== null);
  if (regional.length === 0) return entries.map((e) => describeAuditEntry(e, auditNames([], [])));
  const [people, deadlines] = await Promise.all([Promise.all(regional.map((r) => referential.listEstablishments(r))).then((lists) => lists.flat()), referential.listDeadlines()]);
  const names = auditNames(people, deadlines);
  return entries.map((e) => describeAuditEntry(e, names));
}
