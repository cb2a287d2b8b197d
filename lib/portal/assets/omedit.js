/*
 * CAQES portal: OMéDIT's page. The staff credential is typed in (or arrives once in the fragment,
 * `/omedit#jeton=…`, from `caqes serve`), kept in this tab's sessionStorage only, and sent to the
 * API as a bearer token.
 */
(function () {
  'use strict';
  const { el, clear, api, ApiError, dateTime, alertBox } = window.CAQES;

  const STORAGE_KEY = 'caqes-omedit';
  const STATE_LABELS = { accepted: 'Reçu et accepté', refused: 'Reçu mais refusé', missing: 'Non reçu' };
  const STATE_MARKS = { accepted: '✔', refused: '✘', missing: '–' };
  let overview = null;

  function token() {
    return window.sessionStorage.getItem(STORAGE_KEY);
  }

  function takeTokenFromFragment() {
    const match = /^#jeton=(.+)$/.exec(window.location.hash);
    if (!match) return;
    window.sessionStorage.setItem(STORAGE_KEY, decodeURIComponent(match[1]));
    // The credential does not stay in the address bar, the history or a bookmark.
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
  }

  function showLogin(message) {
    window.sessionStorage.removeItem(STORAGE_KEY);
    ['filtres', 'syntheses', 'suivi', 'liens'].forEach((id) => (document.getElementById(id).hidden = true));
    document.getElementById('connexion').hidden = false;
    alertBox(message || '');
    document.getElementById('jeton').focus();
  }

  function option(value, label, selected) {
    return el('option', { value: value, text: label, selected: selected });
  }

  function renderFilters() {
    const year = clear(document.getElementById('annee'));
    overview.filters.years.forEach((y) => year.appendChild(option(String(y), String(y), y === overview.year)));
    const region = clear(document.getElementById('region'));
    region.appendChild(option('', 'Toutes mes régions', overview.region === null));
    overview.filters.regions.forEach((r) => region.appendChild(option(r, r, r === overview.region)));
    const indicator = clear(document.getElementById('indicateur'));
    indicator.appendChild(option('', 'Tous les indicateurs', overview.indicator === null));
    overview.filters.indicators.forEach((i) => indicator.appendChild(option(i.code, i.label, i.code === overview.indicator)));
  }

  function renderSummaries() {
    const box = clear(document.getElementById('syntheses-liste'));
    if (overview.summaries.length === 0) {
      box.appendChild(el('p', { text: 'Aucune synthèse n’a encore été produite (elles le sont chaque jour à 7 h 30).' }));
      return;
    }
    const status = el('p', { 'aria-live': 'polite' });
    box.appendChild(
      el(
        'ul',
        { class: 'liste-syntheses' },
        overview.summaries.map((s) =>
          el('li', {}, [
            el('button', {
              type: 'button',
              class: 'secondaire',
              text: 'Télécharger la synthèse ' + s.region + ' ' + s.year + ' (.xlsx)',
              onclick: () => download(s, status),
            }),
          ]),
        ),
      ),
    );
    box.appendChild(status);
  }

  async function download(summary, status) {
    try {
      status.textContent = 'Préparation du téléchargement…';
      const link = await api('/api/omedit/summary?region=' + encodeURIComponent(summary.region) + '&year=' + summary.year, { token: token() });
      status.textContent = 'Téléchargement de la synthèse ' + summary.region + ' ' + summary.year + ' lancé.';
      // A pre-signed address, valid a few minutes: the browser fetches the workbook straight from S3.
      window.location.assign(link.url);
    } catch (error) {
      status.textContent = error.message;
    }
  }

  function documentsCell(statuses, deadline) {
    const status = statuses.filter((s) => s.campaign === deadline.campaign && s.id === deadline.id)[0];
    if (!status) return el('td', { text: 'Rien d’attendu' });
    return el('td', {}, [
      el(
        'ul',
        { class: 'docs' },
        status.documents.map((doc) =>
          el('li', {}, [
            el('span', { class: 'etat etat-' + doc.state, text: STATE_MARKS[doc.state] + ' ' + STATE_LABELS[doc.state] }),
            ' : ' + doc.label,
            doc.fileName ? el('span', { class: 'petit', text: ' (' + doc.fileName + ', ' + dateTime(doc.receivedAt) + ')' }) : null,
          ]),
        ),
      ),
    ]);
  }

  function indicatorCell(row, code) {
    const cell = row.indicators.filter((i) => i.indicator === code)[0];
    if (!cell) return el('td', { text: 'Non ciblé' });
    return el('td', {}, [
      el('span', { class: 'etat etat-' + cell.status, text: cell.statusLabel }),
      cell.valueLabel ? el('div', { text: 'Valeur : ' + cell.valueLabel }) : null,
      cell.targetLabel ? el('div', { class: 'petit', text: 'Objectif : ' + cell.targetLabel }) : null,
    ]);
  }

  function renderTable() {
    const state = document.getElementById('suivi-etat');
    const box = clear(document.getElementById('suivi-tableau'));
    const rows = overview.establishments;
    state.textContent = rows.length + ' établissement' + (rows.length > 1 ? 's' : '') + ' – mis à jour le ' + dateTime(new Date().toISOString());
    if (rows.length === 0) return;
    const codes = overview.indicator ? [overview.indicator] : overview.filters.indicators.map((i) => i.code);
    const labels = {};
    overview.filters.indicators.forEach((i) => (labels[i.code] = i.label));
    const headers = ['Établissement']
      .concat(overview.deadlines.map((d) => d.label + ' (' + d.campaign + ', ' + d.dateLabel + ')'))
      .concat(codes.map((c) => labels[c] || c));
    box.appendChild(
      el('table', {}, [
        el('caption', { text: 'État de chaque établissement par échéance et par indicateur, ' + overview.year }),
        el('thead', {}, [el('tr', {}, headers.map((h) => el('th', { scope: 'col', text: h })))]),
        el(
          'tbody',
          {},
          rows.map((row) =>
            el(
              'tr',
              { 'data-finess': row.finess },
              [el('th', { scope: 'row', class: 'nom' }, [row.name, el('div', { class: 'petit', text: 'FINESS ' + row.finess + ' – ' + row.region + ' – contrat ' + row.contrat })])]
                .concat(overview.deadlines.map((d) => documentsCell(row.deadlines, d)))
                .concat(codes.map((c) => indicatorCell(row, c))),
            ),
          ),
        ),
      ]),
    );
  }

  function renderLinkForm() {
    const who = clear(document.getElementById('lien-etablissement'));
    overview.establishments.forEach((r) => who.appendChild(option(r.finess, r.name + ' (' + r.finess + ')', false)));
    const campaigns = clear(document.getElementById('lien-campagne'));
    const seen = [];
    overview.deadlines.forEach((d) => seen.indexOf(d.campaign) < 0 && seen.push(d.campaign));
    seen.sort().reverse().forEach((c) => campaigns.appendChild(option(c, c, false)));
    document.getElementById('liens').hidden = overview.establishments.length === 0 || seen.length === 0;
  }

  function render() {
    const regions = overview.caller.regions === 'all' ? 'toutes les régions' : overview.caller.regions.join(', ');
    document.getElementById('identite').textContent = 'Connecté : ' + overview.caller.name + ' (' + regions + ')';
    renderFilters();
    renderSummaries();
    renderTable();
    renderLinkForm();
    ['filtres', 'syntheses', 'suivi'].forEach((id) => (document.getElementById(id).hidden = false));
    document.getElementById('connexion').hidden = true;
  }

  async function load() {
    const params = [];
    [
      ['year', 'annee'],
      ['region', 'region'],
      ['indicator', 'indicateur'],
    ].forEach((pair) => {
      const select = document.getElementById(pair[1]);
      if (overview && select.value) params.push(pair[0] + '=' + encodeURIComponent(select.value));
    });
    try {
      overview = await api('/api/omedit/overview' + (params.length ? '?' + params.join('&') : ''), { token: token() });
      alertBox('');
      render();
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) showLogin(error.message);
      else alertBox(error.message);
    }
  }

  async function issueLink(event) {
    event.preventDefault();
    const box = clear(document.getElementById('lien-resultat'));
    const finess = document.getElementById('lien-etablissement').value;
    const campaign = document.getElementById('lien-campagne').value;
    const days = Number(document.getElementById('lien-jours').value) || 30;
    try {
      const link = await api('/api/omedit/links', { token: token(), method: 'POST', body: { finess: finess, campaign: campaign, days: days } });
      box.appendChild(el('label', { for: 'lien-url', text: 'Lien de ' + link.establishment + ' pour ' + campaign + ', valable jusqu’au ' + dateTime(link.expiresAt) }));
      box.appendChild(el('input', { id: 'lien-url', type: 'text', readonly: true, value: link.url }));
      document.getElementById('lien-url').select();
    } catch (error) {
      box.appendChild(el('p', { text: error.message }));
    }
  }

  async function revoke() {
    const box = clear(document.getElementById('lien-resultat'));
    const finess = document.getElementById('lien-etablissement').value;
    const campaign = document.getElementById('lien-campagne').value;
    try {
      const out = await api('/api/omedit/links/revoke', { token: token(), method: 'POST', body: { finess: finess, campaign: campaign } });
      box.appendChild(el('p', { text: out.revoked + ' lien(s) désactivé(s) pour ' + finess + ' (' + campaign + ').' }));
    } catch (error) {
      box.appendChild(el('p', { text: error.message }));
    }
  }

  function start() {
    takeTokenFromFragment();
    document.getElementById('connexion-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const value = document.getElementById('jeton').value.trim();
      if (!value) return;
      window.sessionStorage.setItem(STORAGE_KEY, value);
      document.getElementById('jeton').value = '';
      load();
    });
    document.getElementById('filtres-form').addEventListener('submit', (event) => {
      event.preventDefault();
      load();
    });
    document.getElementById('liens-form').addEventListener('submit', issueLink);
    document.getElementById('revoquer').addEventListener('click', revoke);
    if (token()) load();
    else showLogin('');
  }

  start();
})();
