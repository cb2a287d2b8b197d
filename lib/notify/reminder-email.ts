import type { DueReminder } from '../domain/reminders';
import { owedItemLabel } from '../report/labels';
import { todayOf } from '../domain/clock';
import { formatFrenchDate } from '../io/french';
import { escapeHtml, headerSafe } from './escape';

/** The establishment's personal upload link: where it goes and until when it works. */
export interface ReminderLink {
  url: string;
  /** ISO instant. */
  expiresAt: string;
}

export interface RenderedEmail {
  to: string[];
  subject: string;
  text: string;
  html: string;
}

/** The last day a link works, in Paris, as French readers write it. */
function until(link: ReminderLink): string {
  return formatFrenchDate(todayOf(new Date(link.expiresAt)));
}

function when(daysLeft: number): string {
  if (daysLeft > 1) return `dans ${daysLeft} jours`;
  if (daysLeft === 1) return 'demain';
  if (daysLeft === 0) return 'aujourd’hui';
  return `depuis ${-daysLeft} jour${daysLeft === -1 ? '' : 's'}`;
}

/**
 * What a strict deadline ("délai de rigueur") means for the reader: before it, that nothing after its
 * day will count; after it, plainly, that a file sent now is kept but will not count.
 */
function strictnessNote(reminder: DueReminder, date: string): string | null {
  if (!reminder.strict) return null;
  return reminder.daysLeft < 0
    ? `Ce délai de rigueur est dépassé : un fichier déposé maintenant sera conservé mais ne sera pas pris en compte.`
    : `C’est un délai de rigueur : un fichier reçu après le ${date} ne sera pas pris en compte.`;
}

/**
 * The French reminder an establishment receives: what it still owes for one deadline, files refused
 * with why, the date, and its personal upload link with the day it stops working (null only for a
 * preview: the link is issued when the e-mail is sent). Every value that came from a file is
 * escaped in the HTML part and kept on one line in the subject.
 */
export function renderReminder(reminder: DueReminder, link: ReminderLink | null): RenderedEmail {
  const { deadline, establishment } = reminder;
  const date = formatFrenchDate(deadline.date);
  const late = reminder.daysLeft < 0;
  // The deadline's day counts: "au plus tard le 09/03/2026", never "avant le".
  const subject = headerSafe(
    late
      ? reminder.strict
        ? `CAQES ${deadline.campaign} : délai de rigueur du ${date} dépassé – ${establishment.raisonSociale}`
        : `CAQES ${deadline.campaign} : éléments attendus depuis le ${date} – ${establishment.raisonSociale}`
      : `CAQES ${deadline.campaign} : ${deadline.label} au plus tard le ${date} – ${establishment.raisonSociale}`,
  );
  const missing = reminder.owed.map((item) => ({ label: owedItemLabel(item), note: item.detail ? ` (${item.detail})` : '' }));
  const intro = late
    ? `L’échéance « ${deadline.label} » de la campagne CAQES ${deadline.campaign} était fixée au ${date} (${when(reminder.daysLeft)}).`
    : `L’échéance « ${deadline.label} » de la campagne CAQES ${deadline.campaign} : à déposer au plus tard le ${date} (${when(reminder.daysLeft)}).`;
  const rule = strictnessNote(reminder, date);
  const text = [
    'Bonjour,',
    '',
    intro,
    ...(rule ? [rule] : []),
    `Pour ${establishment.raisonSociale} (FINESS ${establishment.finess}), il nous manque encore :`,
    ...missing.map((m) => `  - ${m.label}${m.note}`),
    '',
    ...(link
      ? [`Déposez vos documents sur votre lien personnel : ${link.url}`, `Ce lien est réservé à votre établissement et valable jusqu’au ${until(link)}.`]
      : ['Votre lien personnel de dépôt sera joint à l’envoi.']),
    'Chaque fichier déposé est vérifié aussitôt ; le résultat s’affiche sur la même page.',
    '',
    'Bien cordialement,',
    'L’OMéDIT',
    '',
    'Message envoyé automatiquement ; pour toute question, répondez à ce message.',
  ].join('\n');
  const linkHtml = link
    ? `<p><a href="${escapeHtml(link.url)}">Déposer mes documents</a></p>
<p>Ce lien est réservé à votre établissement et valable jusqu’au ${escapeHtml(until(link))}.</p>`
    : '<p>Votre lien personnel de dépôt sera joint à l’envoi.</p>';
  const html = `<!doctype html><html lang="fr"><body style="font-family:Arial,sans-serif">
<p>Bonjour,</p>
<p>${escapeHtml(intro)}</p>
${rule ? `<p><strong>${escapeHtml(rule)}</strong></p>
` : ''}<p>Pour <strong>${escapeHtml(establishment.raisonSociale)}</strong> (FINESS ${escapeHtml(establishment.finess)}), il nous manque encore&nbsp;:</p>
<ul>${missing.map((m) => `<li>${escapeHtml(m.label)}${escapeHtml(m.note)}</li>`).join('')}</ul>
${linkHtml}
<p>Chaque fichier déposé est vérifié aussitôt&nbsp;; le résultat s’affiche sur la même page.</p>
<p>Bien cordialement,<br>L’OMéDIT</p>
</body></html>`;
  return { to: establishment.emails, subject, text, html };
}
