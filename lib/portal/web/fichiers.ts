/*
 * CAQES portal: OMéDIT's inputs page (/omedit/fichiers). For each region of the account: the files
 * OMéDIT sends (referential, targeting, objectives, calendar, parameters, ATIH, PMSI, CPAM and Open
 * PHMEV extracts), the one in force with who sent it and when, its report and earlier versions; an
 * upload straight to S3 with a form signed for one key; and a template of each layout. Readers (ARS,
 * Assurance Maladie) see the files and reports; the server refuses the rest anyway.
 */
import type { InputUploadRequest } from '../inputs';
import type { Action } from '../permissions';
import type { ApiOptions } from './common';
import type { DoneFileResult, FileResult, InputKindView, InputsPage, Me, Overview } from './api-types';
import { chosenFile, issuesTable, waitForResult, wireDropZone } from './file-choice';

const { el, clear, api, alertBox, dateTime, postToStorage } = window.CAQES;

type InputVersion = InputKindView['current'][number];

let me: Me | null = null;
let page: InputsPage | null = null;

function call<T>(path: string, options?: ApiOptions): Promise<T> {
  return api<T>(path, Object.assign({ token: window.CAQES.session.token() }, options || {}));
}

function may(action: Action): boolean {
  return me!.can.indexOf(action) >= 0;
}

function region(): string {
  return (document.getElementById('region') as HTMLSelectElement).value;
}

function kindOf(id: string): InputKindView {
  return page!.kinds.find((k) => k.kind === id)!;
}

/** A count in French digits with its word, plural past one: « 1 erreur », « 2 avertissements ». */
function counted(n: number, singular: string, pluralForm: string): string {
  return n.toLocaleString('fr-FR') + ' ' + (n > 1 ? pluralForm : singular);
}

/** A report's counts in words: « 1 erreur, 0 avertissement ». */
function countsText(result: { errorCount: number; warningCount: number }): string {
  return counted(result.errorCount, 'erreur', 'erreurs') + ', ' + counted(result.warningCount, 'avertissement', 'avertissements');
}

function statusText(result: FileResult): string {
  if (result.state !== 'done') return 'vérification en cours';
  return (result.status === 'accepted' ? 'accepté' : 'refusé') + ' (' + countsText(result) + ')';
}

/** One version of a file: its name, who sent it and when, where its report stands, and what may be done with it. */
function versionLine(version: InputVersion): HTMLElement {
  return el('li', {}, [
    el('strong', { text: version.fileName }),
    (version.year ? ' (' + version.year + ')' : '') + ' – ' + version.sender + ' le ' + dateTime(version.at) + ' – ',
    el('span', { class: 'etat etat-' + (version.result.state === 'done' ? version.result.status : 'pending'), text: statusText(version.result) }),
    ' ',
    version.result.state === 'done' ? el('button', { type: 'button', class: 'secondaire', text: 'Voir le rapport', onclick: () => showResult(version.key, version.fileName) }) : null,
    version.downloadable ? el('button', { type: 'button', class: 'secondaire', text: 'Télécharger', onclick: () => download(version.key) }) : null,
    version.note ? el('p', { class: 'aide', text: version.note }) : null,
  ]);
}

function renderFiles(page: InputsPage): void {
  const list = clear(document.getElementById('fichiers-liste')!);
  page.kinds.forEach((kind) => {
    const current = kind.current.length === 0 ? [el('p', { text: 'Aucun fichier en vigueur : ni envoyé depuis cette page, ni déposé dans la zone de dépôt.' })] : [el('ul', {}, kind.current.map(versionLine))];
    const history = kind.history.length === 0 ? null : el('details', {}, [el('summary', { text: 'Tous les envois (' + kind.history.length + ')' }), el('ul', {}, kind.history.map(versionLine))]);
    list.appendChild(el('article', { class: 'entree', 'data-kind': kind.kind }, [el('h3', { text: kind.label }), ...current, history]));
  });
}

function renderTemplates(page: InputsPage): void {
  const list = clear(document.getElementById('modeles-liste')!);
  page.kinds.forEach((kind) => {
    const notes = el('table', {}, [
      el('thead', {}, [el('tr', {}, ['Colonne', 'Contenu attendu', 'Exemple'].map((t) => el('th', { scope: 'col', text: t })))]),
      el('tbody', {}, kind.columns.map((c) => el('tr', {}, [el('td', { text: c.name }), el('td', { text: c.note }), el('td', { text: c.example })]))),
    ]);
    list.appendChild(
      el('article', { class: 'modele' }, [
        el('h3', { text: kind.label }),
        el('div', { class: 'boutons' }, [
          el('button', { type: 'button', class: 'secondaire', text: 'Modèle CSV', 'aria-label': 'Modèle CSV – ' + kind.label, onclick: () => template(kind.kind, 'csv') }),
          el('button', { type: 'button', class: 'secondaire', text: 'Modèle Excel', 'aria-label': 'Modèle Excel – ' + kind.label, onclick: () => template(kind.kind, 'xlsx') }),
        ]),
        el('details', {}, [el('summary', { text: 'Colonnes' }), el('div', { class: 'tableau' }, [notes])]),
      ]),
    );
  });
}

function describeKind(): void {
  const kind = kindOf((document.getElementById('type') as HTMLSelectElement).value);
  document.getElementById('annee-champ')!.hidden = !kind.needsYear;
  document.getElementById('type-aide')!.textContent = 'Colonnes : ' + kind.columns.map((c) => c.name).join(', ') + '.';
}

async function load(): Promise<void> {
  try {
    page = await call<InputsPage>('/api/omedit/inputs?region=' + encodeURIComponent(region()));
  } catch (error) {
    if (!window.CAQES.session.expired(error)) alertBox((error as Error).message);
    return;
  }
  const select = document.getElementById('type') as HTMLSelectElement;
  if (select.options.length === 0) page.kinds.forEach((k) => select.appendChild(el('option', { value: k.kind, text: k.label })));
  describeKind();
  renderFiles(page);
  renderTemplates(page);
  document.getElementById('fichiers-section')!.hidden = false;
  document.getElementById('modeles-section')!.hidden = false;
  document.getElementById('region-section')!.hidden = false;
  document.getElementById('envoi-section')!.hidden = !may('inputs.upload');
}

async function template(kind: string, format: 'csv' | 'xlsx'): Promise<void> {
  try {
    const file = await call<{ fileName: string; contentType: string; base64: string }>('/api/omedit/template?kind=' + encodeURIComponent(kind) + '&format=' + format);
    const bytes = Uint8Array.from(window.atob(file.base64), (c) => c.charCodeAt(0));
    const link = el('a', { href: URL.createObjectURL(new Blob([bytes], { type: file.contentType })), download: file.fileName, hidden: true });
    document.body.appendChild(link);
    link.click();
    link.remove();
  } catch (error) {
    if (!window.CAQES.session.expired(error)) alertBox((error as Error).message);
  }
}

async function download(key: string): Promise<void> {
  try {
    window.location.assign((await call<{ url: string }>('/api/omedit/inputs/download?key=' + encodeURIComponent(key))).url);
  } catch (error) {
    if (!window.CAQES.session.expired(error)) alertBox((error as Error).message);
  }
}

/** A report in its box: accepted or refused, counts, what to do, each problem's line and column. */
function fillResult(box: HTMLElement, fileName: string, result: DoneFileResult): void {
  clear(box);
  box.className = 'resultat ' + (result.status === 'accepted' ? 'accepte' : 'refuse');
  box.appendChild(el('h3', { text: fileName }));
  box.appendChild(
    el('p', {}, [
      el('span', { class: 'etat etat-' + result.status, text: result.status === 'accepted' ? 'Fichier accepté' : 'Fichier refusé' }),
      ' – ' + (result.kindLabel ? result.kindLabel + ' ; ' : '') + countsText(result) + (result.rowsRead > 0 ? ' ; ' + counted(result.rowsAccepted, 'ligne acceptée', 'lignes acceptées') + ' sur ' + result.rowsRead.toLocaleString('fr-FR') : ''),
    ]),
  );
  box.appendChild(el('p', { text: result.status === 'accepted' ? 'Les indicateurs de la région sont recalculés avec ce fichier.' : 'Corrigez le fichier puis envoyez-le à nouveau : rien n’en a été retenu.' }));
  if (result.issues.length > 0) box.appendChild(issuesTable(result));
}

async function showResult(key: string, fileName: string): Promise<void> {
  const box = el('article', { class: 'resultat attente' }, [el('h3', { text: fileName }), el('p', { class: 'etat', text: 'Vérification en cours…' })]);
  document.getElementById('resultats')!.prepend(box);
  try {
    const result = await waitForResult(() => call<FileResult>('/api/omedit/inputs/result?key=' + encodeURIComponent(key)), 120);
    if (result) fillResult(box, fileName, result);
    else box.lastChild!.textContent = 'La vérification prend plus de temps que prévu : le rapport apparaîtra dans la liste des fichiers.';
  } catch (error) {
    box.lastChild!.textContent = (error as Error).message;
  }
  box.scrollIntoView({ block: 'nearest' });
}

/** Sends one part with PUT and gives its ETag, which the completion names; progress in bytes of the part. */
function putPart(url: string, blob: Blob, onProgress: (loaded: number) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    xhr.upload.addEventListener('progress', (e) => onProgress(e.loaded));
    xhr.addEventListener('load', () => {
      const etag = xhr.getResponseHeader('ETag');
      if (xhr.status >= 200 && xhr.status < 300 && etag) resolve(etag);
      else reject(new Error('L’envoi d’une partie a été refusé (erreur ' + xhr.status + ').'));
    });
    xhr.addEventListener('error', () => reject(new Error('L’envoi a été interrompu : choisissez de nouveau le même fichier, l’envoi reprendra où il s’est arrêté.')));
    xhr.send(blob);
  });
}

/** Where a large file's upload stands, kept in this browser so that an interrupted upload resumes. */
function resumeId(request: InputUploadRequest, file: File): string {
  return 'caqes-envoi:' + [request.region, request.kind, request.year, file.name, file.size, file.lastModified].join(':');
}

interface ResumeState {
  key: string;
  uploadId: string;
  partSize: number;
  /** The ETag of each part sent, by part number. */
  done: Record<string, string>;
}

/**
 * A large file in parts: started once (or taken up where this browser left it), each missing part
 * sent and remembered with its ETag, then completed. Resolves with the key once S3 has the file.
 */
async function sendInParts(request: InputUploadRequest, file: File, onProgress: (share: number) => void): Promise<string> {
  const id = resumeId(request, file);
  let state = JSON.parse(window.localStorage.getItem(id) || 'null') as ResumeState | null;
  if (!state) {
    const started = await call<{ key: string; uploadId: string; partSize: number }>('/api/omedit/inputs/multipart', { method: 'POST', body: request });
    state = { key: started.key, uploadId: started.uploadId, partSize: started.partSize, done: {} };
    window.localStorage.setItem(id, JSON.stringify(state));
  }
  const count = Math.ceil(file.size / state.partSize);
  const missing: number[] = [];
  for (let n = 1; n <= count; n++) if (!state.done[n]) missing.push(n);
  let sent = (count - missing.length) * state.partSize;
  for (let i = 0; i < missing.length; i += 8) {
    const signed = await call<{ parts: { partNumber: number; url: string }[] }>('/api/omedit/inputs/multipart/parts', {
      method: 'POST',
      body: { key: state.key, uploadId: state.uploadId, partNumbers: missing.slice(i, i + 8) },
    });
    for (const part of signed.parts) {
      const blob = file.slice((part.partNumber - 1) * state.partSize, part.partNumber * state.partSize);
      state.done[part.partNumber] = await putPart(part.url, blob, (loaded) => onProgress(Math.min(1, (sent + loaded) / file.size)));
      sent += blob.size;
      window.localStorage.setItem(id, JSON.stringify(state));
    }
  }
  const done = state.done;
  const parts = Object.keys(done).map((n) => ({ partNumber: Number(n), etag: done[n] }));
  await call('/api/omedit/inputs/multipart/complete', { method: 'POST', body: { key: state.key, uploadId: state.uploadId, parts: parts } });
  window.localStorage.removeItem(id);
  return state.key;
}

/** A file in one signed POST; resolves with its key once S3 has it. */
async function sendWhole(request: InputUploadRequest, file: File, onProgress: (share: number) => void): Promise<string> {
  const form = await call<{ key: string; url: string; fields: Record<string, string> }>('/api/omedit/inputs/uploads', { method: 'POST', body: request });
  await postToStorage(form, file, onProgress);
  return form.key;
}

async function send(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const file = chosenFile();
  const status = document.getElementById('etat-envoi')!;
  const bar = document.getElementById('progression') as HTMLProgressElement;
  if (!file) {
    status.textContent = 'Choisissez d’abord un fichier.';
    return;
  }
  const kind = kindOf((document.getElementById('type') as HTMLSelectElement).value);
  const year = kind.needsYear ? Number((document.getElementById('annee') as HTMLInputElement).value) || null : null;
  const button = document.getElementById('envoyer') as HTMLButtonElement;
  button.disabled = true;
  try {
    const request = { region: region(), kind: kind.kind, year: year, fileName: file.name, size: file.size } as InputUploadRequest;
    bar.hidden = false;
    bar.value = 0;
    status.textContent = 'Envoi de ' + file.name + '…';
    const progress = (share: number) => (bar.value = Math.round(share * 100));
    const key = file.size > page!.multipartFromBytes ? await sendInParts(request, file, progress) : await sendWhole(request, file, progress);
    bar.value = 100;
    status.textContent = file.name + ' envoyé ; vérification en cours.';
    await showResult(key, file.name);
    status.textContent = '';
    await load();
  } catch (error) {
    if (!window.CAQES.session.expired(error)) status.textContent = (error as Error).message;
  } finally {
    button.disabled = false;
    bar.hidden = true;
  }
}

async function start(event: CustomEvent<Me>): Promise<void> {
  me = event.detail;
  if (!may('inputs.read')) {
    alertBox('Votre rôle ne donne pas accès aux fichiers de l’OMéDIT.');
    return;
  }
  const regions = me.regions === 'all' ? (await call<Overview>('/api/omedit/overview')).filters.regions : me.regions;
  const select = clear(document.getElementById('region')!);
  regions.forEach((r) => select.appendChild(el('option', { value: r, text: r })));
  (document.getElementById('annee') as HTMLInputElement).value = String(new Date().getFullYear());
  await load();
}

(document.getElementById('formulaire') as HTMLFormElement).addEventListener('submit', send);
document.getElementById('type')!.addEventListener('change', describeKind);
document.getElementById('region')!.addEventListener('change', load);
wireDropZone();
document.addEventListener('caqes:signed-in', start);
