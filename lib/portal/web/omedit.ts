/*
 * CAQES portal: the staff page's regional part (OMéDIT, and the ARS and Assurance Maladie readers):
 * each establishment's status, the summaries, links and the audit log, for the regions of the
 * caller. What is shown follows what the caller may do (`me.can`, from the server, which refuses
 * the rest anyway).
 */
import type { SummaryFormat } from '../omedit-view';
import type { Action } from '../permissions';
import type { AuditAnswer, DoneFileResult, FileResult, KeptEmailsAnswer, LinkView, Me, Overview } from './api-types';
import { STATE_LABELS } from './document-states';

const { el, clear, api, dateTime, alertBox } = window.CAQES;

type DocumentStatus = Overview['establishments'][number]['deadlines'][number];
type DocumentStanding = DocumentStatus['documents'][number];
type Summary = Overview['summaries'][number];

const STATE_MARKS: Readonly<Record<DocumentStanding['state'], string>> = { accepted: '✔', late: '✘', refused: '✘', missing: '–' };
const FORMAT_LABELS: Readonly<Record<SummaryFormat, string>> = { xlsx: 'classeur .xlsx', html: 'rapport .html', csv: 'indicateurs .csv' };
let overview: Overview | null = null;
let me: Me | null = null;

function token(): string | null {
  return window.CAQES.session.token();
}

function allowed(action: Action): boolean {
  return me !== null && me.can.indexOf(action) >= 0;
}

/** A refusal: back to the sign-in when the session has ended, else said where it happened. */
function failed(error: unknown, box?: HTMLElement): void {
  if (window.CAQES.session.expired(error)) return;
  if (box) box.appendChild(el('p', { text: (error as Error).message }));
  else alertBox((error as Error).message);
}

function option(value: string, label: string, selected: boolean): HTMLOptionElement {
  return el('option', { value: value, text: label, selected: selected });
}

function renderFilters(overview: Overview): void {
  const year = clear(document.getElementById('annee')!);
  overview.filters.years.forEach((y) => year.appendChild(option(String(y), String(y), y === overview.year)));
  const region = clear(document.getElementById('region')!);
  region.appendChild(option('', 'Toutes mes régions', overview.region === null));
  overview.filters.regions.forEach((r) => region.appendChild(option(r, r, r === overview.region)));
  const indicator = clear(document.getElementById('indicateur')!);
  indicator.appendChild(option('', 'Tous les indicateurs', overview.indicator === null));
  overview.filters.indicators.forEach((i) => indicator.appendChild(option(i.code, i.label, i.code === overview.indicator)));
}

function renderSummaries(overview: Overview): void {
  const box = clear(document.getElementById('syntheses-liste')!);
  if (overview.summaries.length === 0) {
    box.appendChild(el('p', { text: 'Aucune synthèse n’a encore été produite (elles le sont chaque jour à 7 h 30).' }));
    return;
  }
  const status = el('p', { 'aria-live': 'polite' });
  box.appendChild(
    el(
      'ul',
      { class: 'liste-syntheses' },
      overview.summaries.flatMap((s) =>
        s.formats.map((format) =>
          el('li', {}, [
            el('button', {
              type: 'button',
              class: 'secondaire',
              text: 'Télécharger la synthèse ' + s.region + ' ' + s.year + ' (' + FORMAT_LABELS[format] + ')',
              onclick: () => download(s, format, status),
            }),
          ]),
        ),
      ),
    ),
  );
  box.appendChild(status);
}

async function download(summary: Summary, format: SummaryFormat, status: HTMLElement): Promise<void> {
  try {
    status.textContent = 'Préparation du téléchargement…';
    const link = await api<{ url: string }>('/api/omedit/summary?region=' + encodeURIComponent(summary.region) + '&year=' + summary.year + '&format=' + format, { token: token() });
    status.textContent = 'Téléchargement de la synthèse ' + summary.region + ' ' + summary.year + ' lancé.';
    // A pre-signed address, valid a few minutes: the browser fetches the workbook straight from S3.
    window.location.assign(link.url);
  } catch (error) {
    if (!window.CAQES.session.expired(error)) status.textContent = (error as Error).message;
  }
}

/** An establishment's file and its validation result, for OMéDIT (its region only, checked by the server). */
async function showFile(doc: DocumentStanding & { key: string }): Promise<void> {
  const box = clear(document.getElementById('fichier-resultat')!);
  try {
    const answer = await api<FileResult>('/api/omedit/file?key=' + encodeURIComponent(doc.key), { token: token() });
    if (answer.state !== 'done') {
      box.appendChild(el('p', { text: 'Le fichier « ' + doc.fileName + ' » est en cours de vérification.' }));
      return;
    }
    const result: DoneFileResult = answer;
    box.appendChild(el('h3', { text: doc.fileName }));
    box.appendChild(el('p', { text: (result.status === 'accepted' ? 'Fichier accepté' : 'Fichier refusé') + ' – ' + result.errorCount + ' erreur(s), ' + result.warningCount + ' avertissement(s).' }));
    if (result.issues.length > 0) {
      box.appendChild(
        el('table', {}, [
          el('caption', { text: 'Anomalies de « ' + doc.fileName + ' »' }),
          el('thead', {}, [el('tr', {}, ['Gravité', 'Ligne', 'Colonne', 'Message'].map((h) => el('th', { scope: 'col', text: h })))]),
          el(
            'tbody',
            {},
            result.issues.map((i) =>
              el('tr', {}, [
                el('td', { text: i.severity === 'error' ? 'Erreur' : 'Avertissement' }),
                el('td', { text: i.row === null ? '' : String(i.row) }),
                el('td', { text: i.column || '' }),
                el('td', { text: i.message }),
              ]),
            ),
          ),
        ]),
      );
    }
  } catch (error) {
    failed(error, box);
  }
}

function documentsCell(statuses: DocumentStatus[], deadline: Overview['deadlines'][number]): HTMLElement {
  const status = statuses.filter((s) => s.campaign === deadline.campaign && s.id === deadline.id)[0];
  if (!status) return el('td', { text: 'Rien d’attendu' });
  const late = overview!.today > deadline.date;
  return el('td', {}, [
    el(
      'ul',
      { class: 'docs' },
      status.documents.map((doc) =>
        el('li', {}, [
          // Past its deadline, what is still owed says so, in the digest's and the reminders' word.
          late && doc.state !== 'accepted' ? el('span', { class: 'etat etat-late', text: '⚠ ' + overview!.lateLabel + ' – ' }) : null,
          el('span', { class: 'etat etat-' + doc.state, text: (late && doc.state !== 'accepted' ? '' : STATE_MARKS[doc.state] + ' ') + STATE_LABELS[doc.state] }),
          ' : ' + doc.label,
          doc.fileName ? el('span', { class: 'petit', text: ' (' + doc.fileName + ', ' + dateTime(doc.receivedAt!) + ')' }) : null,
          doc.key && allowed('file.read')
            ? el('button', { type: 'button', class: 'secondaire petit', text: 'Voir le résultat', 'aria-label': 'Voir le résultat de ' + doc.fileName, onclick: () => showFile({ ...doc, key: doc.key! }) })
            : null,
        ]),
      ),
    ),
  ]);
}

function indicatorCell(row: Overview['establishments'][number], code: string): HTMLElement {
  const cell = row.indicators.filter((i) => i.indicator === code)[0];
  if (!cell) return el('td', { text: 'Non ciblé' });
  return el('td', {}, [
    el('span', { class: 'etat etat-' + cell.status, text: cell.statusLabel }),
    cell.valueLabel ? el('div', { text: 'Valeur : ' + cell.valueLabel }) : null,
    cell.targetLabel ? el('div', { class: 'petit', text: 'Objectif : ' + cell.targetLabel }) : null,
    cell.suggestion ? el('div', { class: 'petit', text: cell.suggestion }) : null,
  ]);
}

/** Indicator columns: those targeted among the establishments shown, the most targeted first (catalogue order otherwise). */
function indicatorColumns(overview: Overview): string[] {
  if (overview.indicator) return [overview.indicator];
  const count = (code: string) => overview.establishments.filter((r) => r.indicators.some((i) => i.indicator === code)).length;
  return overview.filters.indicators
    .map((i, index) => ({ code: i.code, index: index, count: count(i.code) }))
    .filter((c) => c.count > 0)
    .sort((a, b) => b.count - a.count || a.index - b.index)
    .map((c) => c.code);
}

function renderTable(overview: Overview): void {
  const state = document.getElementById('indicateurs-etat')!;
  const box = clear(document.getElementById('indicateurs-tableau')!);
  const rows = overview.establishments;
  state.textContent = rows.length + ' établissement' + (rows.length > 1 ? 's' : '') + ' – mis à jour le ' + dateTime(new Date().toISOString());
  if (rows.length === 0) return;
  const codes = indicatorColumns(overview);
  const labels: Record<string, string> = {};
  overview.filters.indicators.forEach((i) => (labels[i.code] = i.label));
  const headers = ['Établissement', ...overview.deadlines.map((d) => d.label + ' (' + d.campaign + ', ' + d.dateLabel + ')'), ...codes.map((c) => labels[c] || c)];
  box.appendChild(
    el('table', { class: 'premiere-fixe' }, [
      el('caption', { text: 'État de chaque établissement par échéance et par indicateur ciblé, ' + overview.year }),
      el('thead', {}, [el('tr', {}, headers.map((h) => el('th', { scope: 'col', text: h })))]),
      el(
        'tbody',
        {},
        rows.map((row) =>
          el('tr', { 'data-finess': row.finess, id: 'etablissement-' + row.finess }, [
            el('th', { scope: 'row', class: 'nom' }, [row.name, el('div', { class: 'petit', text: 'FINESS ' + row.finess + ' – ' + row.region + ' – contrat ' + row.contrat })]),
            ...overview.deadlines.map((d) => documentsCell(row.deadlines, d)),
            ...codes.map((c) => indicatorCell(row, c)),
          ]),
        ),
      ),
    ]),
  );
}

function renderLinkForm(overview: Overview): void {
  const who = clear(document.getElementById('lien-etablissement')!);
  overview.establishments.forEach((r) => who.appendChild(option(r.finess, r.name + ' (' + r.finess + ')', false)));
  const campaigns = clear(document.getElementById('lien-campagne')!);
  const seen: string[] = [];
  overview.deadlines.forEach((d) => seen.indexOf(d.campaign) < 0 && seen.push(d.campaign));
  seen.sort().reverse().forEach((c) => campaigns.appendChild(option(c, c, false)));
  // Readers never see the form: issuing and revoking links is OMéDIT's.
  document.getElementById('liens')!.hidden = !allowed('links.issue') || overview.establishments.length === 0 || seen.length === 0;
  document.getElementById('revoquer')!.hidden = !allowed('links.revoke');
  document.getElementById('voir-liens')!.hidden = !allowed('links.read');
}

function render(overview: Overview): void {
  renderFilters(overview);
  renderSummaries(overview);
  renderTable(overview);
  renderLinkForm(overview);
  ['filtres', 'suivi', 'indicateurs', 'syntheses'].forEach((id) => (document.getElementById(id)!.hidden = false));
}

async function load(): Promise<void> {
  const params: string[] = [];
  [
    ['year', 'annee'],
    ['region', 'region'],
    ['indicator', 'indicateur'],
  ].forEach((pair) => {
    const select = document.getElementById(pair[1]!) as HTMLSelectElement;
    if (overview && select.value) params.push(pair[0] + '=' + encodeURIComponent(select.value));
  });
  try {
    const next = await api<Overview>('/api/omedit/overview' + (params.length ? '?' + params.join('&') : ''), { token: token() });
    overview = next;
    alertBox('');
    render(next);
    // The reports' part of the page (rapports.js) follows the same year and region; the follow-up (suivi.js) shows who is late.
    document.dispatchEvent(new CustomEvent('caqes:overview', { detail: { year: next.year, region: next.region, overview: next } }));
  } catch (error) {
    failed(error);
  }
}

async function issueLink(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const box = clear(document.getElementById('lien-resultat')!);
  const finess = (document.getElementById('lien-etablissement') as HTMLSelectElement).value;
  const campaign = (document.getElementById('lien-campagne') as HTMLSelectElement).value;
  const days = Number((document.getElementById('lien-jours') as HTMLInputElement).value) || 30;
  try {
    const link = await api<{ id: string; url: string; expiresAt: string; establishment: string }>('/api/omedit/links', {
      token: token(),
      method: 'POST',
      body: { finess: finess, campaign: campaign, days: days },
    });
    box.appendChild(el('label', { for: 'lien-url', text: 'Lien de ' + link.establishment + ' pour ' + campaign + ', valable jusqu’au ' + dateTime(link.expiresAt) }));
    box.appendChild(el('input', { id: 'lien-url', type: 'text', readonly: true, value: link.url }));
    (document.getElementById('lien-url') as HTMLInputElement).select();
  } catch (error) {
    failed(error, box);
  }
}

interface Chosen {
  finess: string;
  name: string;
  campaign: string;
}

function chosenEstablishment(): Chosen {
  const select = document.getElementById('lien-etablissement') as HTMLSelectElement;
  const campaign = (document.getElementById('lien-campagne') as HTMLSelectElement).value;
  return { finess: select.value, name: select.selectedOptions[0] ? select.selectedOptions[0].textContent || '' : select.value, campaign: campaign };
}

/** Revokes every link of the establishment and campaign chosen, once told how many stop working. */
async function revoke(): Promise<void> {
  const box = clear(document.getElementById('lien-resultat')!);
  const chosen = chosenEstablishment();
  try {
    const links = (await api<{ links: LinkView[] }>('/api/omedit/links?finess=' + encodeURIComponent(chosen.finess) + '&campaign=' + encodeURIComponent(chosen.campaign), { token: token() })).links;
    const active = links.filter((l) => l.state === 'active').length;
    if (active === 0) {
      box.appendChild(el('p', { text: 'Aucun lien actif pour ' + chosen.name + ' (' + chosen.campaign + ') : rien à désactiver.' }));
      return;
    }
    const agreed = await window.CAQES.confirmAction({
      title: 'Désactiver tous les liens de ' + chosen.name + ' pour ' + chosen.campaign + ' ?',
      consequence:
        active + ' lien(s) actif(s) cesseront de fonctionner aussitôt, y compris ceux envoyés dans les relances : l’établissement ne pourra plus rien déposer tant qu’un nouveau lien ne lui aura pas été envoyé. Pour n’en désactiver qu’un, choisissez « Voir ses liens ».',
      confirm: 'Désactiver ' + active + ' lien(s)',
    });
    if (!agreed) return;
    const out = await api<{ revoked: number }>('/api/omedit/links/revoke', { token: token(), method: 'POST', body: { finess: chosen.finess, campaign: chosen.campaign } });
    box.appendChild(el('p', { text: out.revoked + ' lien(s) désactivé(s) pour ' + chosen.name + ' (' + chosen.campaign + ').' }));
  } catch (error) {
    failed(error, box);
  }
}

/** Revokes one link, once told that it stops working and the others do not. */
async function revokeOne(chosen: Chosen, link: LinkView): Promise<void> {
  const agreed = await window.CAQES.confirmAction({
    title: 'Désactiver ce lien de ' + chosen.name + ' ?',
    consequence: 'Le lien créé le ' + dateTime(link.issuedAt) + ' par ' + link.issuedBy + ' cessera de fonctionner aussitôt ; les autres liens de l’établissement restent valables.',
    confirm: 'Désactiver ce lien',
  });
  if (!agreed) return;
  try {
    await api('/api/omedit/links/revoke', { token: token(), method: 'POST', body: { finess: chosen.finess, campaign: chosen.campaign, id: link.id } });
    await listLinks('Lien du ' + dateTime(link.issuedAt) + ' désactivé.');
  } catch (error) {
    failed(error, document.getElementById('lien-resultat')!);
  }
}

const LINK_STATES: Readonly<Record<LinkView['state'], string>> = { active: 'Actif', expired: 'Expiré', revoked: 'Désactivé' };

async function listLinks(done?: string | Event): Promise<void> {
  const box = clear(document.getElementById('lien-resultat')!);
  const chosen = chosenEstablishment();
  try {
    const out = await api<{ links: LinkView[] }>('/api/omedit/links?finess=' + encodeURIComponent(chosen.finess) + '&campaign=' + encodeURIComponent(chosen.campaign), { token: token() });
    if (typeof done === 'string') box.appendChild(el('p', { text: done }));
    if (out.links.length === 0) {
      box.appendChild(el('p', { text: 'Aucun lien pour ' + chosen.name + ' (' + chosen.campaign + ').' }));
      return;
    }
    const canRevoke = allowed('links.revoke');
    box.appendChild(
      el('table', {}, [
        el('caption', { text: 'Liens de ' + chosen.name + ' pour ' + chosen.campaign }),
        el('thead', {}, [el('tr', {}, ['Créé le', 'Par', 'Valable jusqu’au', 'État', ...(canRevoke ? ['Action'] : [])].map((h) => el('th', { scope: 'col', text: h })))]),
        el(
          'tbody',
          {},
          out.links.map((l) =>
            el('tr', { 'data-lien': l.id }, [
              el('td', { text: dateTime(l.issuedAt) }),
              el('td', { text: l.issuedBy }),
              el('td', { text: dateTime(l.expiresAt) }),
              el('td', { text: LINK_STATES[l.state] }),
              canRevoke
                ? el('td', {}, [
                    l.state === 'active'
                      ? el('button', { type: 'button', class: 'secondaire', text: 'Désactiver ce lien', 'aria-label': 'Désactiver le lien créé le ' + dateTime(l.issuedAt), onclick: () => revokeOne(chosen, l) })
                      : null,
                  ])
                : null,
            ]),
          ),
        ),
      ]),
    );
  } catch (error) {
    failed(error, box);
  }
}

function auditPath(): string {
  const from = (document.getElementById('journal-du') as HTMLInputElement).value;
  const to = (document.getElementById('journal-au') as HTMLInputElement).value;
  const params: string[] = [];
  if (from) params.push('from=' + from);
  if (to) params.push('to=' + to);
  // OMéDIT reads its regions' log; the administrator the platform's (accounts).
  const base = allowed('audit.read') ? '/api/omedit/audit' : '/api/admin/audit';
  return base + (params.length ? '?' + params.join('&') : '');
}

async function loadAudit(event?: Event): Promise<void> {
  if (event) event.preventDefault();
  const state = document.getElementById('journal-etat')!;
  const box = clear(document.getElementById('journal-liste')!);
  try {
    const out = await api<AuditAnswer>(auditPath(), { token: token() });
    // The period's days as asked (its instants are whole UTC days).
    const day = (iso: string) => iso.slice(8, 10) + '/' + iso.slice(5, 7) + '/' + iso.slice(0, 4);
    state.textContent = out.entries.length + ' modification(s) du ' + day(out.from) + ' au ' + day(out.to) + '.';
    if (out.entries.length === 0) return;
    box.appendChild(
      el('table', {}, [
        el('caption', { text: 'Qui a modifié quoi, quand' }),
        el('thead', {}, [el('tr', {}, ['Quand', 'Région', 'Qui', 'Ce qui a été fait'].map((h) => el('th', { scope: 'col', text: h })))]),
        el(
          'tbody',
          {},
          out.entries.map((e) =>
            el('tr', { 'data-action': e.action }, [
              el('td', { text: dateTime(e.at) }),
              el('td', { text: e.region || 'plateforme' }),
              el('td', { text: e.actorLabel }),
              el('td', { text: e.sentence }),
            ]),
          ),
        ),
      ]),
    );
  } catch (error) {
    failed(error, box);
  }
}

/**
 * The e-mails this machine kept or relayed for the caller's regions (the region chosen, else all),
 * newest first, each text behind its subject; the section stays hidden where e-mail goes through SES.
 */
async function loadEmails(region: string | null): Promise<void> {
  const section = document.getElementById('courriels')!;
  const state = document.getElementById('courriels-etat')!;
  const box = document.getElementById('courriels-liste')!;
  try {
    const out = await api<KeptEmailsAnswer>('/api/omedit/emails' + (region ? '?region=' + encodeURIComponent(region) : ''), { token: token() });
    clear(box);
    section.hidden = !out.available;
    state.textContent = out.emails.length === 0 ? 'Aucun e-mail pour l’instant.' : out.emails.length + ' e-mail(s), du plus récent au plus ancien.';
    if (out.emails.length === 0) return;
    box.appendChild(
      el('table', {}, [
        el('caption', { text: 'Ce qui a été envoyé ou conservé' }),
        el('thead', {}, [el('tr', {}, ['Quand (heure de Paris)', 'Région', 'À', 'Objet et texte', 'Envoi'].map((h) => el('th', { scope: 'col', text: h })))]),
        el(
          'tbody',
          {},
          out.emails.map((m) =>
            el('tr', {}, [
              el('td', { text: m.when }),
              el('td', { text: m.region }),
              el('td', { text: m.to.join(', ') }),
              el('td', {}, [el('details', {}, [el('summary', { text: m.subject }), el('pre', { class: 'courriel', text: m.text })])]),
              el('td', { text: m.deliveryLabel }),
            ]),
          ),
        ),
      ]),
    );
  } catch (error) {
    failed(error, clear(box));
  }
}

/** The links at the top lead only to the sections shown to this caller. */
function followSections(): void {
  const nav = document.getElementById('sommaire')!;
  const update = () => {
    let any = false;
    nav.querySelectorAll('a').forEach((a) => {
      const section = document.getElementById(a.getAttribute('href')!.slice(1));
      a.parentElement!.hidden = !section || section.hidden;
      any = any || !a.parentElement!.hidden;
    });
    nav.hidden = !any;
  };
  new MutationObserver(update).observe(document.getElementById('contenu')!, { attributes: true, attributeFilter: ['hidden'], subtree: true });
  update();
}

function start(): void {
  followSections();
  document.getElementById('filtres-form')!.addEventListener('submit', (event) => {
    event.preventDefault();
    load();
  });
  (document.getElementById('liens-form') as HTMLFormElement).addEventListener('submit', issueLink);
  document.getElementById('revoquer')!.addEventListener('click', revoke);
  document.getElementById('voir-liens')!.addEventListener('click', listLinks);
  (document.getElementById('journal-form') as HTMLFormElement).addEventListener('submit', loadAudit);
  document.addEventListener('caqes:signed-in', (event) => {
    me = event.detail;
    overview = null;
    const title = me.role === 'admin' ? 'Administration de la plateforme' : 'Suivi des établissements';
    document.querySelector('.banner h1')!.textContent = title;
    document.title = title + ' – CAQES';
    if (allowed('overview.read')) load();
    if (allowed('audit.read') || allowed('platform-audit.read')) {
      document.getElementById('journal')!.hidden = false;
      loadAudit();
    }
  });
  document.addEventListener('caqes:overview', (event) => {
    if (allowed('emails.read')) loadEmails(event.detail.region);
  });
}

start();
