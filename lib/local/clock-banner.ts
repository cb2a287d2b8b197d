import { todayOf } from '../domain/clock';
import { escapeHtml } from '../notify/escape';

/**
 * The notice `caqes serve --today` puts at the top of both pages: the portal runs on a simulated day,
 * which deadlines, links and reminders follow. Added by the local stand-in for API Gateway only (there
 * is no simulated clock on AWS), so the pages themselves do not change.
 */
export function clockBanner(now: Date, simulatedFrom: string): string {
  const day = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(now);
  const time = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' }).format(now);
  const from = new Intl.DateTimeFormat('fr-FR', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(`${simulatedFrom}T12:00:00Z`));
  return `<p role="note" class="horloge-simulee" data-today="${escapeHtml(todayOf(now))}">Horloge simulée (portail local) : nous sommes le ${escapeHtml(day)}, ${escapeHtml(time)}. Partie du ${escapeHtml(from)}, elle avance avec le temps réel ; échéances, liens et relances suivent cette date.</p>`;
}

/** The page with the notice right after its `<body>` tag (unchanged when it has none). */
export function withBanner(html: string, banner: string): string {
  return html.replace(/<body[^>]*>/i, (tag) => `${tag}\n${banner}`);
}
