/*
 * CAQES portal: the staff page's first screen, who is late, for what, since when. Per deadline of
 * the year shown, how many establishments sent everything, have a refused file, still have time or
 * are late; each region's key figures; the establishments late or refused, by name, with what each
 * still owes, sortable and filterable, each leading to its row in the table below. Everything comes
 * judged from the server (`overview.board`, `overview.figures`): this script only shows it, in the
 * server's words (STANDING_LABELS).
 */
import { STANDING_LABELS } from '../../report/plain-labels';
import type { Overview } from './api-types';

const { el, clear } = window.CAQES;

type Board = Overview['board'][number];
type Figures = Overview['figures'][number];
interface Entry {
  deadline: Board;
  entry: Board['owing'][number];
}

const SORTS = {
  name: (a: Entry, b: Entry) => a.entry.name.localeCompare(b.entry.name, 'fr'),
  deadline: (a: Entry, b: Entry) => a.deadline.date.localeCompare(b.deadline.date) || a.entry.name.localeCompare(b.entry.name, 'fr'),
  delay: (a: Entry, b: Entry) => (b.entry.daysLate === null ? -1 : b.entry.daysLate) - (a.entry.daysLate === null ? -1 : a.entry.daysLate) || a.entry.name.localeCompare(b.entry.name, 'fr'),
};
type SortKey = keyof typeof SORTS;
const SORT_LABELS: Readonly<Record<SortKey, string>> = { name: 'Établissement', deadline: 'Échéance', delay: 'Depuis' };
let overview: Overview | null = null;
let sort: SortKey = 'delay';

function plural(n: number, word: string): string {
  return n + ' ' + word + (n > 1 ? 's' : '');
}

function renderDeadlines(overview: Overview): void {
  const box = clear(document.getElementById('suivi-echeances')!);
  if (overview.board.length === 0) {
    box.appendChild(el('p', { text: 'Aucune échéance n’attend de document pour ' + overview.year + '.' }));
    return;
  }
  const head = ['Échéance', 'Date', STANDING_LABELS.received, STANDING_LABELS.refused, STANDING_LABELS.missing, STANDING_LABELS.late];
  box.appendChild(
    el('table', { class: 'compteurs' }, [
      el('caption', { text: 'Où en sont les établissements, par échéance, au ' + overview.todayLabel }),
      el('thead', {}, [el('tr', {}, head.map((h) => el('th', { scope: 'col', text: h })))]),
      el(
        'tbody',
        {},
        overview.board.map((d) =>
          el('tr', { 'data-echeance': d.campaign + '#' + d.id }, [
            el('th', { scope: 'row', text: d.label + ' (' + d.campaign + ')' }),
            el('td', { text: d.dateLabel + (d.passed ? ' – passée' : '') }),
            el('td', { text: String(d.counts.received) }),
            el('td', { class: d.counts.refused > 0 ? 'etat etat-refused' : null, text: String(d.counts.refused) }),
            el('td', { text: String(d.counts.missing) }),
            el('td', { class: d.counts.late > 0 ? 'etat etat-late' : null, text: d.counts.late > 0 ? '⚠ ' + d.counts.late + ' ' + overview.lateLabel.toLowerCase() : '0' }),
          ]),
        ),
      ),
    ]),
  );
}

/** Each region's key figures, one column per region: beside the counts, small enough for the first screen. */
function renderFigures(overview: Overview): void {
  const box = clear(document.getElementById('suivi-chiffres')!);
  const judged = (f: Figures) => (f.indicatorsMet + f.indicatorsNotMet === 0 ? 'aucun jugé' : f.indicatorsMet + ' sur ' + (f.indicatorsMet + f.indicatorsNotMet));
  const lines: [string, (f: Figures) => string, (f: Figures) => string | null][] = [
    ['Établissements suivis', (f) => String(f.establishments), () => null],
    [overview.lateLabel, (f) => String(f.late), (f) => (f.late > 0 ? 'etat etat-late' : null)],
    ['Documents acceptés', (f) => f.documentsAccepted + ' sur ' + f.documentsExpected, () => null],
    ['Indicateurs atteints', judged, () => null],
  ];
  box.appendChild(
    el('table', { class: 'chiffres' }, [
      el('caption', { text: 'Chiffres clés' }),
      el('thead', {}, [el('tr', {}, [el('td', {}), ...overview.figures.map((f) => el('th', { scope: 'col', text: f.region }))])]),
      el(
        'tbody',
        {},
        lines.map((line) => el('tr', {}, [el('th', { scope: 'row', text: line[0] }), ...overview.figures.map((f) => el('td', { class: line[2](f), 'data-region': f.region, text: line[1](f) }))])),
      ),
    ]),
  );
}

function entries(): Entry[] {
  return overview!.board.flatMap((d) => d.owing.map((entry) => ({ deadline: d, entry: entry })));
}

function renderDeadlineFilter(overview: Overview): void {
  const select = clear(document.getElementById('retards-echeance')!);
  select.appendChild(el('option', { value: '', text: 'Toutes les échéances' }));
  overview.board.forEach((d) => select.appendChild(el('option', { value: d.campaign + '#' + d.id, text: d.label + ' (' + d.dateLabel + ')' })));
}

function valueOf(id: string): string {
  return (document.getElementById(id) as HTMLInputElement | HTMLSelectElement).value;
}

function chosen(): Entry[] {
  const text = valueOf('retards-recherche').trim().toLowerCase();
  const deadline = valueOf('retards-echeance');
  const state = valueOf('retards-etat');
  return entries().filter(
    (x) =>
      (!text || x.entry.name.toLowerCase().indexOf(text) >= 0 || x.entry.finess.indexOf(text) >= 0) &&
      (!deadline || x.deadline.campaign + '#' + x.deadline.id === deadline) &&
      (!state || x.entry.state === state),
  );
}

function sortHeader(key: SortKey): HTMLElement {
  return el('th', { scope: 'col', 'aria-sort': sort === key ? (key === 'delay' ? 'descending' : 'ascending') : null }, [
    el('button', { type: 'button', class: 'tri', 'data-tri': key, text: SORT_LABELS[key], onclick: () => ((sort = key), renderOwing()) }),
  ]);
}

function owingRow(x: Entry): HTMLElement {
  const e = x.entry;
  // The row below exists only for establishments the table shows (filters are the same).
  const detail = document.getElementById('etablissement-' + e.finess)
    ? el('a', { href: '#etablissement-' + e.finess, text: e.name })
    : el('span', { text: e.name });
  return el('tr', { 'data-etablissement': e.finess, 'data-etat': e.state }, [
    el('th', { scope: 'row' }, [detail, el('div', { class: 'petit', text: 'FINESS ' + e.finess + ' – ' + e.region })]),
    el('td', { text: x.deadline.label + ' (' + x.deadline.dateLabel + ')' }),
    el('td', {}, [el('span', { class: 'etat etat-' + e.state, text: (e.state === 'late' ? '⚠ ' : '✘ ') + e.stateLabel })]),
    el('td', { text: e.delayLabel || 'échéance à venir' }),
    el('td', {}, [el('ul', { class: 'docs' }, e.owes.map((o) => el('li', { text: o })))]),
  ]);
}

function renderOwing(): void {
  const box = clear(document.getElementById('retards-tableau')!);
  const shown = chosen().sort(SORTS[sort]);
  const all = entries().length;
  document.getElementById('retards-nombre')!.textContent =
    all === 0 ? 'Aucun établissement en retard ni de fichier refusé.' : plural(shown.length, 'ligne') + ' sur ' + all + '.';
  if (shown.length === 0) return;
  box.appendChild(
    el('table', { class: 'retards' }, [
      el('caption', { text: 'Établissements en retard ou dont un fichier est refusé : ' + plural(shown.length, 'ligne') + (shown.length < all ? ' sur ' + all : '') + ', tri par ' + SORT_LABELS[sort].toLowerCase() }),
      el('thead', {}, [el('tr', {}, [sortHeader('name'), sortHeader('deadline'), el('th', { scope: 'col', text: 'État' }), sortHeader('delay'), el('th', { scope: 'col', text: 'Ce qu’il doit encore' })])]),
      el('tbody', {}, shown.map(owingRow)),
    ]),
  );
}

function render(next: Overview): void {
  overview = next;
  document.getElementById('suivi-etat')!.textContent =
    'Au ' + next.todayLabel + ', année ' + next.year + ', ' + (next.region ? 'région ' + next.region : 'toutes mes régions') + '.';
  renderDeadlines(next);
  renderFigures(next);
  renderDeadlineFilter(next);
  renderOwing();
}

function start(): void {
  const form = document.getElementById('retards-filtres')!;
  form.addEventListener('input', () => overview && renderOwing());
  form.addEventListener('change', () => overview && renderOwing());
  form.addEventListener('submit', (event) => event.preventDefault());
  document.addEventListener('caqes:overview', (event) => render(event.detail.overview));
}

start();
