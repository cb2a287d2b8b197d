import type { DueReminder } from '../domain/reminders';
import { documentKindLabel } from '../report/labels';
import { formatFrenchDate } from '../io';
import { escapeHtml, headerSafe } from './escape';

export interface RenderedEmail {
  to: string[];
  subject: string;
  text: string;
  html: string;
}

function when(daysLeft: number): string {
  if (daysLeft > 1) return `dans ${daysLeft} jours`;
  if (daysLeft === 1) return 'demain';
  if (daysLeft === 0) return 'aujourd’hui';
  return `depuis ${-daysLeft} jour${daysLeft === -1 ? '' : 's'}`;
}

/**
 * The French reminder an establishment receives: what it still owes for one deadline, files refused
 * with why, the date, and its personal upload link. Every value that came from a file is escaped
 * in the HTML part and kept on one line in the subject.
 */
export function renderReminder(reminder: DueReminder, uploadUrl: string): RenderedEmail {
  const { deadline, establishment } = reminder;
  const date = formatFrenchDate(deadline.date);
  const late = reminder.daysLeft < 0;
  const subject = headerSafe(
    late
      ? `CAQES ${deadline.campaign} : éléments attendus depuis le ${date} – ${establishment.raisonSociale}`
      : `CAQES ${deadline.campaign} : ${deadline.label} avant le ${date} – ${establishment.raisonSociale}`,
  );
  const missing = reminder.missing.map((kind) => {
    const refused = reminder.rejected.filter((r) => r.kind === kind);
    const note = refused.length
      ? ` (fichier reçu mais refusé : ${refused.map((r) => `${r.fileName}, ${r.errorCount} erreur${r.errorCount > 1 ? 's' : ''}`).join(' ; ')})`
      : '';
    return { label: documentKindLabel(kind), note };
  });
  const intro = late
    ? `L’échéance « ${deadline.label} » de la campagne CAQES ${deadline.campaign} était fixée au ${date} (${when(reminder.daysLeft)}).`
    : `L’échéance « ${deadline.label} » de la campagne CAQES ${deadline.campaign} est fixée au ${date} (${when(reminder.daysLeft)}).`;
  const text = [
    'Bonjour,',
    '',
    intro,
    `Pour ${establishment.raisonSociale} (FINESS ${establishment.finess}), nous n’avons pas encore reçu :`,
    ...missing.map((m) => `  - ${m.label}${m.note}`),
    '',
    `Déposez vos documents sur votre lien personnel : ${uploadUrl}`,
    'Chaque fichier déposé est vérifié aussitôt ; le résultat s’affiche sur la même page.',
    '',
    'Bien cordialement,',
    'L’OMéDIT',
    '',
    'Message envoyé automatiquement ; pour toute question, répondez à ce message.',
  ].join('\n');
  const html = `<!doctype html><html lang="fr"><body style="font-family:Arial,sans-serif">
<p>Bonjour,</p>
<p>${escapeHtml(intro)}</p>
<p>Pour <strong>${escapeHtml(establishment.raisonSociale)}</strong> (FINESS ${escapeHtml(establishment.finess)}), nous n’avons pas encore reçu&nbsp;:</p>
<ul>${missing.map((m) => `<li>${escapeHtml(m.label)}${escapeHtml(m.note)}</li>`).join('')}</ul>
<p><a href="${escapeHtml(uploadUrl)}">Déposer mes documents</a></p>
<p>Chaque fichier déposé est vérifié aussitôt&nbsp;; le résultat s’affiche sur la même page.</p>
<p>Bien cordialement,<br>L’OMéDIT</p>
</body></html>`;
  return { to: establishment.emails, subject, text, html };
}
