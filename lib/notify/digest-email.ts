import type { DueReminder } from '../domain/reminders';
import { REPORT_STATUSES, type ReportStatus } from '../domain/self-evaluation';
import { formatFrenchDate } from '../io/french';
import { daysLateLabel, LATE_LABEL, owedItemLabel, REPORT_STATUS_LABELS } from '../report/labels';
import type { SuppressedAddress } from '../store/reminder-store';
import { escapeHtml, headerSafe } from './escape';
import type { RenderedEmail } from './reminder-email';

/** One reminder of the run, as the digest reports it. */
export interface DigestLine {
  reminder: DueReminder;
  /** From the reminder's marker: `failed` (SES refused it, the next run sends it), `stuck` (claimed by a run that never finished). */
  outcome: 'sent' | 'already-sent' | 'dry-run' | 'suppressed' | 'failed' | 'stuck';
  /** Addresses left out because they are on the suppression list. */
  suppressed: SuppressedAddress[];
}

/** A region's self-evaluation reports of one year, where each stands. */
export interface DigestReports {
  year: number;
  /** Its `auto_evaluation` deadline, ISO, when the calendar sets one. */
  deadline: string | null;
  reports: { contrat: string; sites: string; status: ReportStatus }[];
}

const REASONS: Record<SuppressedAddress['reason'], string> = { bounce: 'adresse en échec définitif', complaint: 'plainte pour courrier indésirable' };

const UNSENT = {
  failed: 'refusée par le service d’envoi, elle sera renvoyée à la prochaine exécution',
  stuck: 'envoi commencé par une autre exécution et non confirmé (interrompu ou en cours) : repris après 15 minutes s’il n’aboutit pas',
} as const;

const OWED_STATES: Readonly<Record<DueReminder['owed'][number]['state'], string>> = {
  missing: '',
  refused: ' (refusé)',
  late: ' (en retard)',
  incomplete: ' (incomplet)',
  empty: ' (à compléter)',
  not_submitted: ' (non soumis)',
  locked: ' (verrouillé)',
};

function owedText(r: DueReminder): string {
  // A report's parts are listed once: the digest names what is owed, the establishment's e-mail the detail.
  return [...new Set(r.owed.map((i) => owedItemLabel(i) + OWED_STATES[i.state]))].join(', ');
}

function reportsSection(year: DigestReports): { title: string; items: string[] } {
  const counts = REPORT_STATUSES.map((s) => [s, year.reports.filter((r) => r.status === s).length] as const).filter(([, n]) => n > 0);
  const due = year.deadline ? ` (échéance du ${formatFrenchDate(year.deadline)})` : '';
  const sorted = [...year.reports].sort((a, b) => REPORT_STATUSES.indexOf(a.status) - REPORT_STATUSES.indexOf(b.status) || a.contrat.localeCompare(b.contrat, 'fr'));
  return {
    title: `Rapports d’auto-évaluation ${year.year}${due} : ${counts.map(([s, n]) => `${n} ${REPORT_STATUS_LABELS[s].toLowerCase()}`).join(', ') || 'aucun'}`,
    items: sorted.map((r) => `${r.contrat} (${r.sites}) : ${REPORT_STATUS_LABELS[r.status]}`),
  };
}

/**
 * OMéDIT's digest of one reminder run for one region: who was reminded of what today, who is late
 * (a deadline passed, something still owed), which addresses were left out and why, and where each
 * self-evaluation report stands.
 */
export function renderDigest(region: string, today: string, lines: readonly DigestLine[], late: readonly DueReminder[], to: readonly string[], reports: readonly DigestReports[] = []): RenderedEmail {
  const sent = lines.filter((l) => l.outcome === 'sent' || l.outcome === 'dry-run');
  const unsent = lines.filter((l) => l.outcome === 'failed' || l.outcome === 'stuck');
  const left = lines.flatMap((l) => l.suppressed.map((s) => ({ l, s })));
  const lateEstablishments = new Set(late.map((r) => r.establishment.finess));
  const subject = headerSafe(`CAQES ${region} – relances du ${formatFrenchDate(today)} : ${sent.length} envoyée(s), ${lateEstablishments.size} établissement(s) en retard`);
  const sections: { title: string; items: string[] }[] = [
    {
      title: `Relances envoyées aujourd’hui (${sent.length})`,
      items: sent.map((l) => `${l.reminder.establishment.raisonSociale} (${l.reminder.establishment.finess}) – ${l.reminder.deadline.label} du ${formatFrenchDate(l.reminder.deadline.date)} [${l.reminder.step}] : ${owedText(l.reminder)}`),
    },
    ...(unsent.length
      ? [
          {
            title: `Relances non envoyées aujourd’hui (${unsent.length})`,
            items: unsent.map((l) => `${l.reminder.establishment.raisonSociale} (${l.reminder.establishment.finess}) – ${l.reminder.deadline.label} du ${formatFrenchDate(l.reminder.deadline.date)} [${l.reminder.step}] : ${UNSENT[l.outcome as 'failed' | 'stuck']}`),
          },
        ]
      : []),
    {
      title: `${LATE_LABEL} (${lateEstablishments.size})`,
      items: late.map((r) => `${r.establishment.raisonSociale} (${r.establishment.finess}) – ${r.deadline.label} du ${formatFrenchDate(r.deadline.date)}, ${daysLateLabel(-r.daysLeft)} : ${owedText(r)}`),
    },
    {
      title: `Adresses en liste de suppression, non relancées (${left.length})`,
      items: left.map(({ l, s }) => `${s.address} (${l.reminder.establishment.raisonSociale}) : ${REASONS[s.reason]} depuis le ${formatFrenchDate(s.at.slice(0, 10))}${l.outcome === 'suppressed' ? ' – aucune autre adresse : l’établissement n’a pas été relancé' : ''}`),
    },
    ...reports.map(reportsSection),
  ];
  const already = lines.filter((l) => l.outcome === 'already-sent').length;
  const text = [
    'Bonjour,',
    '',
    `Relances CAQES de la région ${region} du ${formatFrenchDate(today)}.`,
    ...(already ? [`${already} relance(s) du jour avaient déjà été envoyées par une exécution précédente.`] : []),
    ...sections.flatMap((s) => ['', `${s.title} :`, ...(s.items.length ? s.items.map((i) => `  - ${i}`) : ['  (aucune)'])]),
    '',
    'Message envoyé automatiquement par le suivi CAQES.',
  ].join('\n');
  const html = `<!doctype html><html lang="fr"><body style="font-family:Arial,sans-serif">
<p>Bonjour,</p>
<p>Relances CAQES de la région ${escapeHtml(region)} du ${escapeHtml(formatFrenchDate(today))}.</p>
${already ? `<p>${already} relance(s) du jour avaient déjà été envoyées par une exécution précédente.</p>` : ''}
${sections.map((s) => `<h2 style="font-size:1.1em">${escapeHtml(s.title)}</h2><ul>${s.items.length ? s.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('') : '<li>(aucune)</li>'}</ul>`).join('\n')}
<p>Message envoyé automatiquement par le suivi CAQES.</p>
</body></html>`;
  return { to: [...to], subject, text, html };
}
