/*
 * CAQES portal: the staff page's self-evaluation reports. Every reader of a region sees where each
 * report of the year stands and reads it; OMéDIT opens a year's reports, evaluates each indicator and
 * the contract as a whole, reopens a report with a reason and reads its history. What is shown
 * follows what the caller may do (`me.can`); the server refuses the rest anyway.
 */
import type { Action } from '../permissions';
import type { Declarations, Me, ReportHistory, ReviewDecision, StaffReport, StaffReportList } from './api-types';

const { el, clear, api, dateTime } = window.CAQES;

interface ReportQuery {
  region: string;
  year: number;
  contrat: string;
}

let me: Me | null = null;
let filters: { year: number | null; region: string | null } = { year: null, region: null };
let list: StaffReportList | null = null;
let current: ReportQuery | null = null;
let view: StaffReport | null = null;

function token(): string | null {
  return window.CAQES.session.token();
}

function allowed(action: Action): boolean {
  return me !== null && me.can.indexOf(action) >= 0;
}

function say(node: HTMLElement, error: unknown): void {
  if (window.CAQES.session.expired(error)) return;
  node.textContent = (error as Error).message;
}

function query(q: ReportQuery): string {
  return 'region=' + encodeURIComponent(q.region) + '&year=' + q.year + '&contrat=' + encodeURIComponent(q.contrat);
}

function valueOf(id: string): string {
  return (document.getElementById(id) as HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement).value;
}

async function loadList(): Promise<void> {
  const state = document.getElementById('rapports-etat')!;
  try {
    list = await api<StaffReportList>('/api/omedit/reports?year=' + filters.year + (filters.region ? '&region=' + encodeURIComponent(filters.region) : ''), { token: token() });
    renderList(list);
  } catch (error) {
    say(state, error);
  }
}

function renderList(list: StaffReportList): void {
  document.getElementById('rapports')!.hidden = false;
  const counts: Record<string, number> = {};
  list.reports.forEach((r) => (counts[r.statusLabel] = (counts[r.statusLabel] || 0) + 1));
  document.getElementById('rapports-etat')!.textContent =
    list.reports.length === 0
      ? 'Aucun contrat ciblé en ' + list.year + '.'
      : list.reports.length + ' rapport(s) ' + list.year + ' : ' + Object.keys(counts).map((k) => counts[k] + ' ' + k.toLowerCase()).join(', ') + '.';
  const open = document.getElementById('rapports-ouvrir')!;
  open.hidden = !list.canOpen;
  open.textContent = 'Ouvrir les rapports ' + list.year + ' non encore ouverts';
  const box = clear(document.getElementById('rapports-liste')!);
  if (list.reports.length === 0) return;
  box.appendChild(
    el('table', {}, [
      el('caption', { text: 'Rapports d’auto-évaluation ' + list.year + ', par contrat' }),
      el('thead', {}, [el('tr', {}, ['Contrat', 'Établissements', 'Région', 'Statut', 'Points à compléter', 'Dernière modification', 'Rapport'].map((h) => el('th', { scope: 'col', text: h })))]),
      el(
        'tbody',
        {},
        list.reports.map((r) =>
          el('tr', { 'data-contrat': r.contrat }, [
            el('th', { scope: 'row', text: r.contrat }),
            el('td', { text: r.sites.map((s) => s.name + ' (' + s.finess + ')').join(', ') }),
            el('td', { text: r.region }),
            el('td', { class: 'etat statut-rapport', text: r.statusLabel }),
            el('td', { text: r.blockers === null ? '–' : String(r.blockers) }),
            el('td', { text: r.saved ? r.saved.at + ' – ' + r.saved.by : '–' }),
            el('td', {}, [
              el('button', {
                type: 'button',
                class: 'secondaire',
                text: 'Consulter',
                'aria-label': 'Consulter le rapport du contrat ' + r.contrat,
                onclick: () => show({ region: r.region, year: list.year, contrat: r.contrat }),
              }),
            ]),
          ]),
        ),
      ),
    ]),
  );
}

async function openReports(): Promise<void> {
  const state = document.getElementById('rapports-etat')!;
  const regions: string[] = [];
  list!.reports.forEach((r) => r.status === 'not_opened' && regions.indexOf(r.region) < 0 && regions.push(r.region));
  try {
    let opened = 0;
    for (const region of regions) opened += (await api<{ opened: unknown[] }>('/api/omedit/reports/open', { token: token(), method: 'POST', body: { region: region, year: list!.year } })).opened.length;
    await loadList();
    state.textContent = opened + ' rapport(s) ouvert(s). ' + state.textContent;
  } catch (error) {
    say(state, error);
  }
}

async function show(q: ReportQuery): Promise<void> {
  current = q;
  const message = document.getElementById('rapport-detail-message')!;
  try {
    view = await api<StaffReport>('/api/omedit/report?' + query(q), { token: token() });
    message.textContent = '';
    clear(document.getElementById('rapport-detail-historique-liste')!);
    renderDetail(view);
    document.getElementById('rapport-detail-titre')!.scrollIntoView({ block: 'start' });
  } catch (error) {
    say(document.getElementById('rapports-etat')!, error);
  }
}

function isoDaysFromNow(days: number): string {
  return new Date(Date.now() + days * 86400000).toISOString().slice(0, 10);
}

function renderDetail(view: StaffReport): void {
  document.getElementById('rapport-detail')!.hidden = false;
  document.getElementById('rapport-detail-titre')!.textContent = view.title + ' – contrat ' + view.contrat + ' (' + view.region + ')';
  const state = ['Statut : ' + view.statusLabel];
  if (view.deadline) state.push('échéance le ' + view.deadline);
  if (view.submitted) state.push('soumis par ' + view.submitted.by + ' le ' + view.submitted.at);
  if (view.saved) state.push('dernière modification le ' + view.saved.at + ' : ' + view.saved.change + ' (' + view.saved.by + ')');
  if (view.final) state.push('résultat final : ' + view.final.resultLabel);
  document.getElementById('rapport-detail-etat')!.textContent = state.join(' – ');
  const notice = document.getElementById('rapport-detail-avis')!;
  notice.textContent = view.notice || '';
  notice.hidden = !view.notice;
  const reviewing = view.reviewable && view.may.review;
  window.CAQES.report.render(document.getElementById('rapport-detail-contenu')!, view, reviewing ? 'review' : 'read', reviewIndicator);
  document.getElementById('rapport-final')!.hidden = !reviewing;
  if (view.final) (document.getElementById('rapport-final-resultat') as HTMLSelectElement).value = view.final.result;
  document.getElementById('rapport-rouvrir')!.hidden = !(view.may.reopen && view.opened);
  const until = document.getElementById('rapport-rouvrir-jusqu') as HTMLInputElement;
  if (!until.value) until.value = isoDaysFromNow(7);
  document.getElementById('rapport-detail-historique')!.hidden = !view.may.history;
  document.getElementById('rapport-detail-exporter')!.hidden = !view.opened;
}

async function post(path: string, body: object, message: HTMLElement): Promise<boolean> {
  try {
    view = await api<StaffReport>(path, { token: token(), method: 'POST', body: Object.assign({ region: current!.region, year: current!.year, contrat: current!.contrat, version: view!.version }, body) });
    renderDetail(view);
    await loadList();
    return true;
  } catch (error) {
    say(message, error);
    return false;
  }
}

async function reviewIndicator(decision: ReviewDecision, message: HTMLElement): Promise<void> {
  if (await post('/api/omedit/report/review', decision, message)) {
    document.getElementById('rapport-detail-message')!.textContent = 'Évaluation de l’indicateur ' + decision.indicator + ' enregistrée.';
  }
}

async function recordFinal(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const message = document.getElementById('rapport-detail-message')!;
  const body = { result: valueOf('rapport-final-resultat'), comment: valueOf('rapport-final-commentaire') };
  if (await post('/api/omedit/report/final', body, message)) message.textContent = 'Résultat final enregistré.';
}

async function reopenReport(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const message = document.getElementById('rapport-detail-message')!;
  const body = { reason: valueOf('rapport-rouvrir-raison').trim(), until: valueOf('rapport-rouvrir-jusqu') };
  if (!body.reason) {
    message.textContent = 'Indiquez la raison de la réouverture.';
    document.getElementById('rapport-rouvrir-raison')!.focus();
    return;
  }
  if (await post('/api/omedit/report/reopen', body, message)) message.textContent = 'Rapport rouvert jusqu’au ' + view!.reopened!.until + '.';
}

function declarationsText(declarations: Declarations): string {
  return Object.entries(declarations)
    .map(([code, d]) => {
      const parts = [d.selfAssessment === 'met' ? 'objectif atteint' : d.selfAssessment === 'not_met' ? 'objectif non atteint' : 'auto-évaluation non renseignée'];
      if (d.actions) parts.push('actions : ' + d.actions);
      if (d.missedReason) parts.push('écart : ' + d.missedReason);
      if (d.comments) parts.push('commentaires : ' + d.comments);
      return code + ' – ' + parts.join(' ; ');
    })
    .join('\n');
}

async function history(): Promise<void> {
  const box = clear(document.getElementById('rapport-detail-historique-liste')!);
  try {
    const out = await api<ReportHistory>('/api/omedit/report/history?' + query(current!), { token: token() });
    box.appendChild(
      el('table', {}, [
        el('caption', { text: 'Historique des versions du rapport ' + current!.contrat + ' (la plus récente en premier)' }),
        el('thead', {}, [el('tr', {}, ['Version', 'Quand', 'Qui', 'Quoi', 'Contenu'].map((h) => el('th', { scope: 'col', text: h })))]),
        el(
          'tbody',
          {},
          out.versions.map((v) =>
            el('tr', { 'data-version': String(v.version) }, [
              el('td', { text: String(v.version) }),
              el('td', { text: dateTime(v.at) }),
              el('td', { text: v.by }),
              el('td', { text: v.changeLabel + (v.reopened ? ' : ' + v.reopened.reason : '') }),
              el('td', {}, [el('pre', { class: 'avant-apres', text: declarationsText(v.declarations) || '–' })]),
            ]),
          ),
        ),
      ]),
    );
  } catch (error) {
    say(box, error);
  }
}

async function exportReport(): Promise<void> {
  const message = document.getElementById('rapport-detail-message')!;
  try {
    await window.CAQES.report.download('/api/omedit/report/export?' + query(current!), token(), 'CAQES-auto-evaluation-' + current!.year + '-' + current!.contrat + '.html');
    message.textContent = 'Version imprimable téléchargée.';
  } catch (error) {
    say(message, error);
  }
}

function start(): void {
  document.getElementById('rapports-ouvrir')!.addEventListener('click', openReports);
  (document.getElementById('rapport-final') as HTMLFormElement).addEventListener('submit', recordFinal);
  (document.getElementById('rapport-rouvrir') as HTMLFormElement).addEventListener('submit', reopenReport);
  document.getElementById('rapport-detail-historique')!.addEventListener('click', history);
  document.getElementById('rapport-detail-exporter')!.addEventListener('click', exportReport);
  document.getElementById('rapport-detail-fermer')!.addEventListener('click', () => {
    document.getElementById('rapport-detail')!.hidden = true;
    current = null;
  });
  document.addEventListener('caqes:signed-in', (event) => {
    me = event.detail;
    document.getElementById('rapports')!.hidden = true;
    document.getElementById('rapport-detail')!.hidden = true;
  });
  // The staff page's filters (year, region) decide which reports are listed.
  document.addEventListener('caqes:overview', (event) => {
    if (!allowed('reports.read') || event.detail.year === null) return;
    filters = { year: event.detail.year, region: event.detail.region };
    loadList();
  });
}

start();
