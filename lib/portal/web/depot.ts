/*
 * CAQES portal: the establishment's page. Its personal link carries the token in the fragment
 * (`/depot#v1…`), which the browser never sends to a server; the page sends it to the API only.
 * Files go straight to S3 with a pre-signed POST, then the page asks for the validation result.
 */
import type { DepotPage, DoneFileResult, EstablishmentReport, FileResult } from './api-types';
import { STATE_LABELS } from './document-states';
import { chosenFile, issuesTable, showChosen, waitForResult, wireDropZone } from './file-choice';

const { el, clear, api, ApiError, dateTime, size, alertBox, postToStorage } = window.CAQES;

type Deadline = DepotPage['deadlines'][number];
type Kind = DepotPage['kinds'][number];

const token = decodeURIComponent(window.location.hash.replace(/^#/, ''));
let page: DepotPage | null = null;
/** The contract's self-evaluation report as the server last showed it (null when there is none). */
let report: EstablishmentReport | null = null;
/** Text typed in the report since it was last shown from the server. */
let unsaved = false;

function when(daysLeft: number): string {
  if (daysLeft > 1) return 'dans ' + daysLeft + ' jours';
  if (daysLeft === 1) return 'demain';
  if (daysLeft === 0) return 'aujourd’hui';
  return 'dépassée depuis ' + -daysLeft + ' jour' + (daysLeft === -1 ? '' : 's');
}

function renderHeader(page: DepotPage): void {
  const e = page.establishment;
  document.getElementById('etablissement')!.textContent =
    e.name + ' – FINESS ' + e.finess + ' – campagne ' + page.campaign + ' (lien valable jusqu’au ' + page.link.expiresOn + ')';
  document.title = 'Dépôt CAQES ' + page.campaign + ' – ' + e.name;
}

/** `31/03/2026` as `2026-03-31`, to place the report's deadline among the others. */
function isoOf(frenchDate: string | null): string | null {
  const parts = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(frenchDate || '');
  return parts ? parts[3] + '-' + parts[2] + '-' + parts[1] : null;
}

function daysFromToday(iso: string): number {
  return Math.round((Date.parse(iso + 'T00:00:00Z') - Date.parse(page!.today + 'T00:00:00Z')) / 86400000);
}

/** The deadline's documents, each with its state, and a strict deadline's rule said before and after it. */
function documentsBlock(d: Deadline): HTMLElement[] {
  const nodes: HTMLElement[] = [el('h3', { text: d.label + ' – au plus tard le ' + d.dateLabel + ' (' + when(d.daysLeft) + ')' })];
  if (d.strict) {
    nodes.push(
      el('p', {
        class: 'rigueur',
        text:
          d.daysLeft < 0
            ? 'Délai de rigueur dépassé : un fichier déposé maintenant sera conservé mais ne sera pas pris en compte.'
            : 'Délai de rigueur : un fichier reçu après le ' + d.dateLabel + ' ne sera pas pris en compte.',
      }),
    );
  }
  nodes.push(
    el(
      'ul',
      { class: 'docs' },
      d.documents.map((doc) =>
        el('li', {}, [
          el('span', { text: doc.label + ' : ' }),
          el('span', { class: 'etat etat-' + doc.state, text: STATE_LABELS[doc.state] }),
          doc.fileName ? el('span', { class: 'petit', text: ' (' + doc.fileName + ', le ' + dateTime(doc.receivedAt!) + ')' }) : null,
          doc.detail && doc.state !== 'refused' ? el('div', { class: 'petit', text: doc.detail }) : null,
        ]),
      ),
    ),
  );
  return nodes;
}

/** The contract's annual report, expected like the documents: its date, where it stands, what it still lacks. */
function reportBlock(view: EstablishmentReport, iso: string | null): HTMLElement[] {
  const left = view.editable ? view.blockers.length : 0;
  const state = view.statusLabel + (left > 0 ? ' – ' + left + ' point' + (left > 1 ? 's' : '') + ' à compléter avant de le soumettre' : '');
  return [
    el('h3', { text: view.title + (view.deadline ? ' – au plus tard le ' + view.deadline + (iso ? ' (' + when(daysFromToday(iso)) + ')' : '') : '') }),
    el('ul', { class: 'docs', id: 'attendu-rapport' }, [
      el('li', {}, [
        el('span', { text: 'Rapport du contrat ' + view.contrat + ' : ' }),
        el('span', { class: 'etat etat-rapport-' + view.status, text: state }),
        ' ',
        el('a', { href: '#rapport', text: view.editable ? 'Remplir le rapport' : 'Voir le rapport' }),
      ]),
    ]),
  ];
}

function renderDeadlines(page: DepotPage): void {
  const box = clear(document.getElementById('echeances')!);
  const blocks = page.deadlines.map((d) => ({ date: d.date, nodes: () => documentsBlock(d) }));
  if (report) {
    const view = report;
    const iso = isoOf(view.deadline);
    blocks.push({ date: iso || '9999-12-31', nodes: () => reportBlock(view, iso) });
  }
  if (blocks.length === 0) {
    box.appendChild(el('p', { text: 'Aucun document n’est attendu de votre établissement pour cette campagne.' }));
    return;
  }
  blocks.sort((a, b) => a.date.localeCompare(b.date)).forEach((b) => b.nodes().forEach((node) => box.appendChild(node)));
}

function renderKinds(page: DepotPage): void {
  const select = document.getElementById('type') as HTMLSelectElement;
  const previous = select.value;
  clear(select);
  // Documents still owed come first, pre-selected.
  const owed: string[] = [];
  page.deadlines.forEach((d) => d.documents.forEach((doc) => doc.state !== 'accepted' && owed.indexOf(doc.kind) < 0 && owed.push(doc.kind)));
  const kinds = page.kinds.slice().sort((a, b) => Number(owed.indexOf(a.kind) < 0) - Number(owed.indexOf(b.kind) < 0));
  kinds.forEach((k) => select.appendChild(el('option', { value: k.kind, text: k.label + (owed.indexOf(k.kind) >= 0 ? ' (attendu)' : '') })));
  if (previous) select.value = previous;
  describeKind();
}

function currentKind(): Kind | undefined {
  const value = (document.getElementById('type') as HTMLSelectElement).value;
  return page!.kinds.filter((k) => k.kind === value)[0];
}

function describeKind(): void {
  const kind = currentKind();
  if (!kind) return;
  document.getElementById('type-aide')!.textContent =
    'Formats acceptés : ' + kind.extensions.map((e) => '.' + e).join(', ') + ' ; taille maximale : ' + size(kind.maxBytes) + '.';
  document.getElementById('fichier')!.setAttribute('accept', kind.extensions.map((e) => '.' + e).join(','));
}

function renderHistory(page: DepotPage): void {
  const box = clear(document.getElementById('historique-liste')!);
  if (page.history.length === 0) {
    box.appendChild(el('p', { text: 'Aucun fichier reçu pour cette campagne.' }));
    return;
  }
  const rows = page.history.map((h) =>
    el('tr', {}, [
      el('td', { text: dateTime(h.receivedAt) }),
      el('td', { text: h.kindLabel }),
      el('td', { class: 'nom', text: h.fileName }),
      el('td', {}, [
        el('span', {
          class: 'etat etat-' + h.status,
          text: h.status === 'accepted' ? 'Accepté' : 'Refusé (' + h.errorCount + ' erreur' + (h.errorCount > 1 ? 's' : '') + ')',
        }),
      ]),
      el('td', {}, [el('button', { type: 'button', class: 'secondaire', text: 'Voir le détail', onclick: () => showResult(h.key, h.fileName) })]),
    ]),
  );
  box.appendChild(
    el('div', { class: 'tableau' }, [
      el('table', {}, [
        el('caption', { text: 'Fichiers reçus, du plus récent au plus ancien' }),
        el('thead', {}, [el('tr', {}, ['Reçu le', 'Type', 'Fichier', 'Résultat', 'Détail'].map((t) => el('th', { scope: 'col', text: t })))]),
        el('tbody', {}, rows),
      ]),
    ]),
  );
}

function render(page: DepotPage): void {
  renderHeader(page);
  renderDeadlines(page);
  renderKinds(page);
  renderHistory(page);
  // Once the year's report is locked, no evidence of its campaigns is taken: the form goes, the reason stays.
  const closed = document.getElementById('depot-ferme')!;
  closed.textContent = page.uploadsClosed || '';
  closed.hidden = !page.uploadsClosed;
  document.getElementById('formulaire')!.hidden = Boolean(page.uploadsClosed);
  ['attendus', 'depot', 'historique'].forEach((id) => (document.getElementById(id)!.hidden = false));
}

async function load(): Promise<void> {
  page = await api<DepotPage>('/api/depot', { token: token });
  render(page);
}

// ------------------------------------------------------------ the self-evaluation report of the contract

function reportMessage(text?: string): void {
  document.getElementById('rapport-message')!.textContent = text || '';
}

/** What the report still lacks before it can be submitted, and the report among what is expected. */
function renderBlockers(view: EstablishmentReport): void {
  const blockers = clear(document.getElementById('rapport-blocages')!);
  if (view.editable && view.blockers.length > 0) {
    blockers.appendChild(el('h3', { text: 'Avant de soumettre le rapport (' + view.blockers.length + ' point' + (view.blockers.length > 1 ? 's' : '') + ')' }));
    blockers.appendChild(el('ul', { class: 'blocages' }, view.blockers.map((b) => el('li', { text: b }))));
  }
  if (page) renderDeadlines(page);
}

/**
 * After an upload: what the report lacks follows the file just accepted. Text typed and not saved
 * stays as typed; only what the report lacks and its state are shown anew.
 */
async function refreshReport(): Promise<void> {
  if (!report) return;
  const fresh = await api<EstablishmentReport>('/api/depot/report', { token: token });
  if (unsaved && fresh.version === report.version) {
    report = fresh;
    renderBlockers(report);
  } else if (!unsaved) {
    report = fresh;
    renderReport(report);
  }
}

function renderReport(view: EstablishmentReport): void {
  document.getElementById('rapport-titre')!.textContent = view.title + ' – contrat ' + view.contrat;
  const state = ['Statut : ' + view.statusLabel];
  if (view.deadline) state.push('échéance le ' + view.deadline);
  if (view.saved) state.push('dernière modification le ' + view.saved.at + ' : ' + view.saved.change + ' (' + view.saved.by + ')');
  document.getElementById('rapport-etat')!.textContent = state.join(' – ');
  const notice = document.getElementById('rapport-avis')!;
  notice.textContent = view.notice || '';
  notice.hidden = !view.notice;
  window.CAQES.report.render(document.getElementById('rapport-contenu')!, view, view.editable ? 'edit' : 'read');
  unsaved = false;
  renderBlockers(view);
  document.getElementById('rapport-enregistrer')!.hidden = !view.editable;
  document.getElementById('rapport-soumettre')!.hidden = !view.editable;
  document.getElementById('rapport-exporter')!.hidden = !view.opened;
  document.getElementById('rapport')!.hidden = false;
}

async function loadReport(): Promise<void> {
  try {
    report = await api<EstablishmentReport>('/api/depot/report', { token: token });
    renderReport(report);
  } catch (error) {
    // No report when the contract is targeted on nothing this year: the section stays hidden.
    if (!(error instanceof ApiError && error.status === 404 && error.code === 'not-found')) alertBox((error as Error).message);
  }
}

function conflicted(error: unknown): boolean {
  if (!(error instanceof ApiError && error.code === 'conflict')) return false;
  reportMessage(error.message);
  const reload = el('button', { type: 'button', class: 'secondaire', text: 'Recharger le rapport (vos saisies non enregistrées seront perdues)', onclick: () => loadReport().then(() => reportMessage('Rapport rechargé.')) });
  document.getElementById('rapport-message')!.appendChild(el('span', {}, [' ', reload]));
  return true;
}

async function saveReport(submit: boolean): Promise<void> {
  if (
    submit &&
    !(await window.CAQES.confirmAction({
      title: 'Soumettre le rapport à l’OMéDIT ?',
      consequence: 'Une fois soumis, le rapport est verrouillé : vous ne pourrez plus le modifier, sauf si l’OMéDIT le rouvre.',
      confirm: 'Soumettre le rapport',
    }))
  )
    return;
  let declarations;
  try {
    declarations = window.CAQES.report.collect(document.getElementById('rapport-contenu')!, report!);
  } catch (error) {
    reportMessage((error as Error).message);
    return;
  }
  const buttons = ['rapport-enregistrer', 'rapport-soumettre'].map((id) => document.getElementById(id) as HTMLButtonElement);
  buttons.forEach((b) => (b.disabled = true));
  const body = { version: report!.version, declarations: declarations };
  try {
    reportMessage(submit ? 'Soumission du rapport…' : 'Enregistrement…');
    if (!submit) {
      report = await api<EstablishmentReport>('/api/depot/report', { token: token, method: 'POST', body: body });
      renderReport(report);
      reportMessage('Brouillon enregistré (version ' + report.version + ').');
      return;
    }
    try {
      report = await api<EstablishmentReport>('/api/depot/report/submit', { token: token, method: 'POST', body: body });
      renderReport(report);
      reportMessage('Rapport soumis à l’OMéDIT.');
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 'report-incomplete')) throw error;
      // Nothing is lost: what was typed is saved as a draft, and what blocks is listed.
      report = await api<EstablishmentReport>('/api/depot/report', { token: token, method: 'POST', body: body });
      renderReport(report);
      reportMessage(error.message + ' Votre saisie a été enregistrée comme brouillon.');
      document.getElementById('rapport-blocages')!.scrollIntoView({ block: 'nearest' });
    }
  } catch (error) {
    if (!conflicted(error)) reportMessage((error as Error).message);
  } finally {
    buttons.forEach((b) => (b.disabled = false));
  }
}

async function exportReport(): Promise<void> {
  try {
    await window.CAQES.report.download('/api/depot/report/export', token, 'CAQES-auto-evaluation-' + report!.year + '-' + report!.contrat + '.html');
    reportMessage('Version imprimable téléchargée : ouvrez-la dans votre navigateur pour l’imprimer ou l’enregistrer en PDF.');
  } catch (error) {
    reportMessage((error as Error).message);
  }
}

/** The validation result of one upload, in a box: accepted, or refused with each error's line and column. */
function resultBox(fileName: string): HTMLElement {
  const box = el('article', { class: 'resultat attente' }, [el('h3', { text: fileName }), el('p', { class: 'etat', text: 'Vérification en cours…' })]);
  document.getElementById('resultats')!.prepend(box);
  return box;
}

function fillResult(box: HTMLElement, fileName: string, result: DoneFileResult): void {
  clear(box);
  box.className = 'resultat ' + (result.status === 'accepted' ? 'accepte' : 'refuse');
  box.appendChild(el('h3', { text: fileName }));
  const errors = result.errorCount;
  const warnings = result.warningCount;
  box.appendChild(
    el('p', {}, [
      el('span', { class: 'etat etat-' + result.status, text: result.status === 'accepted' ? 'Fichier accepté' : 'Fichier refusé' }),
      ' – ' +
        (result.kindLabel ? result.kindLabel + ' ; ' : '') +
        errors + ' erreur' + (errors > 1 ? 's' : '') + ', ' + warnings + ' avertissement' + (warnings > 1 ? 's' : '') +
        (result.rowsRead > 0 ? ' ; ' + result.rowsAccepted.toLocaleString('fr-FR') + ' ligne(s) acceptée(s) sur ' + result.rowsRead.toLocaleString('fr-FR') : ''),
    ]),
  );
  if (result.status !== 'accepted') {
    box.appendChild(el('p', { text: 'Corrigez le fichier puis déposez-le à nouveau : rien n’en a été retenu.' }));
  }
  if (result.issues.length > 0) box.appendChild(issuesTable(result));
}

async function showResult(key: string, fileName: string): Promise<void> {
  const box = resultBox(fileName);
  try {
    const result = await waitForResult(() => api<FileResult>('/api/depot/result?key=' + encodeURIComponent(key), { token: token }), 90);
    if (result) fillResult(box, fileName, result);
    else box.lastChild!.textContent = 'La vérification prend plus de temps que prévu : le résultat apparaîtra dans l’historique.';
  } catch (error) {
    box.lastChild!.textContent = (error as Error).message;
  }
  box.scrollIntoView({ block: 'nearest' });
}

async function submit(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const file = chosenFile();
  const kind = currentKind();
  const status = document.getElementById('etat-envoi')!;
  const progress = document.getElementById('progression') as HTMLProgressElement;
  const button = document.getElementById('envoyer') as HTMLButtonElement;
  if (!file || !kind) {
    status.textContent = 'Choisissez d’abord un fichier.';
    document.getElementById('fichier')!.focus();
    return;
  }
  button.disabled = true;
  let announced = -1;
  try {
    status.textContent = 'Préparation de l’envoi de « ' + file.name + ' »…';
    const form = await api<{ key: string; url: string; fields: Record<string, string> }>('/api/depot/uploads', { token: token, method: 'POST', body: { kind: kind.kind, fileName: file.name, size: file.size } });
    progress.hidden = false;
    progress.value = 0;
    await postToStorage(form, file, (share) => {
      progress.value = Math.round(share * 100);
      // Announced by tenths, so a screen reader is not flooded.
      const tenth = Math.floor(share * 10);
      if (tenth !== announced) {
        announced = tenth;
        status.textContent = 'Envoi de « ' + file.name + ' » : ' + tenth * 10 + ' %';
      }
    });
    progress.value = 100;
    status.textContent = 'Fichier « ' + file.name + ' » reçu. Vérification en cours…';
    (document.getElementById('formulaire') as HTMLFormElement).reset();
    renderKinds(page!);
    showChosen();
    await showResult(form.key, file.name);
    status.textContent = 'Fichier « ' + file.name + ' » vérifié.';
    await load();
    await refreshReport();
  } catch (error) {
    status.textContent = (error as Error).message;
  } finally {
    progress.hidden = true;
    button.disabled = false;
  }
}

async function start(): Promise<void> {
  document.getElementById('type')!.addEventListener('change', describeKind);
  (document.getElementById('formulaire') as HTMLFormElement).addEventListener('submit', submit);
  document.getElementById('rapport-enregistrer')!.addEventListener('click', () => saveReport(false));
  document.getElementById('rapport-soumettre')!.addEventListener('click', () => saveReport(true));
  document.getElementById('rapport-contenu')!.addEventListener('input', () => (unsaved = true));
  window.CAQES.warnBeforeLeaving(() => unsaved);
  document.getElementById('rapport-exporter')!.addEventListener('click', exportReport);
  wireDropZone();
  const loading = document.getElementById('chargement')!;
  if (!token) {
    loading.hidden = true;
    alertBox('Ouvrez cette page avec le lien personnel reçu par e-mail de l’OMéDIT : il contient votre autorisation de dépôt.');
    return;
  }
  try {
    await load();
    loading.hidden = true;
    await loadReport();
  } catch (error) {
    loading.hidden = true;
    alertBox(error instanceof ApiError ? error.message : 'Erreur inattendue : ' + (error as Error).message);
  }
}

start();
