/*
 * CAQES portal: the staff page's self-evaluation reports. Every reader of a region sees where each
 * report of the year stands and reads it; OMéDIT opens a year's reports, evaluates each indicator and
 * the contract as a whole, reopens a report with a reason and reads its history. What is shown
 * follows what the caller may do (`me.can`); the server refuses the rest anyway.
 */
(function () {
  'use strict';
  const { el, clear, api, dateTime } = window.CAQES;

  let me = null;
  let filters = { year: null, region: null };
  let list = null;
  let current = null;
  let view = null;
  /** Review text typed and not yet recorded (followUnsavedReview). */
  let unsavedReview = false;

  function token() {
    return window.CAQES.session.token();
  }

  function allowed(action) {
    return me !== null && me.can.indexOf(action) >= 0;
  }

  function say(node, error) {
    if (window.CAQES.session.expired(error)) return;
    node.textContent = error.message;
  }

  function query(q) {
    return 'region=' + encodeURIComponent(q.region) + '&year=' + q.year + '&contrat=' + encodeURIComponent(q.contrat);
  }

  async function loadList() {
    const state = document.getElementById('rapports-etat');
    try {
      list = await api('/api/omedit/reports?year=' + filters.year + (filters.region ? '&region=' + encodeURIComponent(filters.region) : ''), { token: token() });
      renderList();
    } catch (error) {
      say(state, error);
    }
  }

  function renderList() {
    document.getElementById('rapports').hidden = false;
    const counts = {};
    list.reports.forEach((r) => (counts[r.statusLabel] = (counts[r.statusLabel] || 0) + 1));
    document.getElementById('rapports-etat').textContent =
      list.reports.length === 0
        ? 'Aucun contrat ciblé en ' + list.year + '.'
        : list.reports.length + ' rapport(s) ' + list.year + ' : ' + Object.keys(counts).map((k) => counts[k] + ' ' + k.toLowerCase()).join(', ') + '.';
    const open = document.getElementById('rapports-ouvrir');
    open.hidden = !list.canOpen;
    open.textContent = 'Ouvrir les rapports ' + list.year + ' non encore ouverts';
    const box = clear(document.getElementById('rapports-liste'));
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

  async function openReports() {
    const state = document.getElementById('rapports-etat');
    const regions = [];
    list.reports.forEach((r) => r.status === 'not_opened' && regions.indexOf(r.region) < 0 && regions.push(r.region));
    try {
      let opened = 0;
      for (const region of regions) opened += (await api('/api/omedit/reports/open', { token: token(), method: 'POST', body: { region: region, year: list.year } })).opened.length;
      await loadList();
      state.textContent = opened + ' rapport(s) ouvert(s). ' + state.textContent;
    } catch (error) {
      say(state, error);
    }
  }

  async function show(q) {
    current = q;
    const message = document.getElementById('rapport-detail-message');
    try {
      view = await api('/api/omedit/report?' + query(q), { token: token() });
      unsavedReview = false;
      message.textContent = '';
      clear(document.getElementById('rapport-detail-historique-liste'));
      renderDetail();
      document.getElementById('rapport-detail-titre').scrollIntoView({ block: 'start' });
    } catch (error) {
      say(document.getElementById('rapports-etat'), error);
    }
  }

  function isoDaysFromNow(days) {
    return new Date(Date.now() + days * 86400000).toISOString().slice(0, 10);
  }

  function renderDetail() {
    document.getElementById('rapport-detail').hidden = false;
    document.getElementById('rapport-detail-titre').textContent = view.title + ' – contrat ' + view.contrat + ' (' + view.region + ')';
    const state = ['Statut : ' + view.statusLabel];
    if (view.deadline) state.push('échéance le ' + view.deadline);
    if (view.submitted) state.push('soumis par ' + view.submitted.by + ' le ' + view.submitted.at);
    if (view.saved) state.push('dernière modification le ' + view.saved.at + ' : ' + view.saved.change + ' (' + view.saved.by + ')');
    if (view.final) state.push('résultat final : ' + view.final.resultLabel);
    document.getElementById('rapport-detail-etat').textContent = state.join(' – ');
    const notice = document.getElementById('rapport-detail-avis');
    notice.textContent = view.notice || '';
    notice.hidden = !view.notice;
    const reviewing = view.reviewable && view.may.review;
    window.CAQES.report.render(document.getElementById('rapport-detail-contenu'), view, reviewing ? 'review' : 'read', reviewIndicator);
    document.getElementById('rapport-final').hidden = !reviewing;
    if (view.final) document.getElementById('rapport-final-resultat').value = view.final.result;
    document.getElementById('rapport-rouvrir').hidden = !(view.may.reopen && view.opened);
    const until = document.getElementById('rapport-rouvrir-jusqu');
    if (!until.value) until.value = isoDaysFromNow(7);
    document.getElementById('rapport-detail-historique').hidden = !view.may.history;
    document.getElementById('rapport-detail-exporter').hidden = !view.opened;
  }

  async function post(path, body, message) {
    try {
      view = await api(path, { token: token(), method: 'POST', body: Object.assign({ region: current.region, year: current.year, contrat: current.contrat, version: view.version }, body) });
      unsavedReview = false;
      renderDetail();
      await loadList();
      return true;
    } catch (error) {
      say(message, error);
      return false;
    }
  }

  async function reviewIndicator(decision, message) {
    if (await post('/api/omedit/report/review', decision, message)) {
      document.getElementById('rapport-detail-message').textContent = 'Évaluation de l’indicateur ' + decision.indicator + ' enregistrée.';
    }
  }

  async function recordFinal(event) {
    event.preventDefault();
    const message = document.getElementById('rapport-detail-message');
    const body = { result: document.getElementById('rapport-final-resultat').value, comment: document.getElementById('rapport-final-commentaire').value };
    if (await post('/api/omedit/report/final', body, message)) message.textContent = 'Résultat final enregistré.';
  }

  async function reopenReport(event) {
    event.preventDefault();
    const message = document.getElementById('rapport-detail-message');
    const body = { reason: document.getElementById('rapport-rouvrir-raison').value.trim(), until: document.getElementById('rapport-rouvrir-jusqu').value };
    if (!body.reason) {
      message.textContent = 'Indiquez la raison de la réouverture.';
      document.getElementById('rapport-rouvrir-raison').focus();
      return;
    }
    if (await post('/api/omedit/report/reopen', body, message)) message.textContent = 'Rapport rouvert jusqu’au ' + view.reopened.until + '.';
  }

  function declarationsText(declarations) {
    return Object.keys(declarations)
      .map((code) => {
        const d = declarations[code];
        const parts = [d.selfAssessment === 'met' ? 'objectif atteint' : d.selfAssessment === 'not_met' ? 'objectif non atteint' : 'auto-évaluation non renseignée'];
        if (d.actions) parts.push('actions : ' + d.actions);
        if (d.missedReason) parts.push('écart : ' + d.missedReason);
        if (d.comments) parts.push('commentaires : ' + d.comments);
        return code + ' – ' + parts.join(' ; ');
      })
      .join('\n');
  }

  async function history() {
    const box = clear(document.getElementById('rapport-detail-historique-liste'));
    try {
      const out = await api('/api/omedit/report/history?' + query(current), { token: token() });
      box.appendChild(
        el('table', {}, [
          el('caption', { text: 'Historique des versions du rapport ' + current.contrat + ' (la plus récente en premier)' }),
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

  async function exportReport() {
    const message = document.getElementById('rapport-detail-message');
    try {
      await window.CAQES.report.download('/api/omedit/report/export?' + query(current), token(), 'CAQES-auto-evaluation-' + current.year + '-' + current.contrat + '.html');
      message.textContent = 'Version imprimable téléchargée.';
    } catch (error) {
      say(message, error);
    }
  }

  /**
   * Text typed in a review, the final result's comment or a reopening's reason, and not recorded yet:
   * leaving the page then makes the browser warn, as the establishment's report page does.
   */
  function followUnsavedReview() {
    document.getElementById('rapport-detail').addEventListener('input', () => (unsavedReview = true));
    window.CAQES.warnBeforeLeaving(() => unsavedReview);
  }

  function start() {
    followUnsavedReview();
    document.getElementById('rapports-ouvrir').addEventListener('click', openReports);
    document.getElementById('rapport-final').addEventListener('submit', recordFinal);
    document.getElementById('rapport-rouvrir').addEventListener('submit', reopenReport);
    document.getElementById('rapport-detail-historique').addEventListener('click', history);
    document.getElementById('rapport-detail-exporter').addEventListener('click', exportReport);
    document.getElementById('rapport-detail-fermer').addEventListener('click', () => {
      document.getElementById('rapport-detail').hidden = true;
      current = null;
    });
    document.addEventListener('caqes:signed-in', (event) => {
      me = event.detail;
      document.getElementById('rapports').hidden = true;
      document.getElementById('rapport-detail').hidden = true;
    });
    // The staff page's filters (year, region) decide which reports are listed.
    document.addEventListener('caqes:overview', (event) => {
      if (!allowed('reports.read') || event.detail.year === null) return;
      filters = { year: event.detail.year, region: event.detail.region };
      loadList();
    });
  }

  start();
})();
