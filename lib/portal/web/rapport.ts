/*
 * CAQES portal: the self-evaluation report, as both pages show it. The establishment's page fills it
 * in (`edit`), OMéDIT's page reads it and, for OMéDIT, evaluates it (`review`); readers only read it.
 * Every word comes from the server's view (labels in French, figures already formatted) or its label
 * modules; this file only builds the DOM, with textContent, and reads the forms back.
 */
import { DMI_PLAN_LABELS, STATUS_LABELS } from '../../report/plain-labels';
import type { Declaration, Declarations, ReportView, ReviewDecision, SectionView } from './api-types';

const { el, clear } = window.CAQES;

export type ReportMode = 'edit' | 'review' | 'read';
export type OnReview = (decision: ReviewDecision, message: HTMLElement) => void;

/** What the pages call: rapport.js's part of `window.CAQES`. */
export interface Report {
  render(box: HTMLElement, view: ReportView, mode: ReportMode, onReview?: OnReview): void;
  collect(box: HTMLElement, view: ReportView): Declarations;
  download(path: string, token: string | null, fileName: string): Promise<void>;
}

const ASSESSMENTS = [
  ['met', 'Oui, l’objectif est atteint'],
  ['not_met', 'Non, l’objectif n’est pas atteint'],
] as const;

/** An id safe for `for`/`id` pairs, per indicator and field. */
function fieldId(indicator: string, field: string): string {
  return 'rapport-' + indicator + '-' + field;
}

function resultsTable(section: SectionView): HTMLElement {
  if (section.rows.length === 0) return el('p', { class: 'petit', text: 'Aucun résultat calculé pour l’instant.' });
  const h = section.rows[0]!.headings;
  return el('div', { class: 'tableau' }, [
    el('table', {}, [
      el('caption', { text: 'Résultats calculés (lecture seule)' }),
      el('thead', {}, [el('tr', {}, ['Établissement', h.numerator, h.denominator, h.value, 'Objectif', 'Statut', 'Source'].map((t) => el('th', { scope: 'col', text: t })))]),
      el(
        'tbody',
        {},
        section.rows.map((r) =>
          el('tr', { class: r.scope === 'contract' ? 'contrat' : null, 'data-scope': r.scope }, [
            el('th', { scope: 'row', class: 'nom' }, [r.name, r.finess ? el('div', { class: 'petit', text: 'FINESS ' + r.finess }) : null]),
            el('td', { text: r.numerator || '–' }),
            el('td', { text: r.denominator || '–' }),
            el('td', { class: 'valeur', text: r.value || '–' }),
            el('td', { text: r.target || '–' }),
            el('td', {}, [el('span', { class: 'etat etat-' + r.status, text: r.statusLabel }), r.note ? el('div', { class: 'petit', text: r.note }) : null]),
            el('td', {}, [r.source || '–', ...r.files.map((f) => el('div', { class: 'petit', text: f.name + (f.received ? ' (reçu le ' + f.received + ')' : '') }))]),
          ]),
        ),
      ),
    ]),
  ]);
}

function evidenceTable(section: SectionView): HTMLElement {
  if (section.evidence.length === 0) return el('p', { class: 'petit', text: 'Aucune pièce demandée pour cet indicateur.' });
  return el('div', { class: 'tableau' }, [
    el('table', {}, [
      el('caption', { text: 'Pièces justificatives' }),
      el('thead', {}, [el('tr', {}, ['Établissement', 'Pièce', 'Échéance', 'État', 'Fichiers reçus et vérification'].map((t) => el('th', { scope: 'col', text: t })))]),
      el(
        'tbody',
        {},
        section.evidence.map((e) =>
          el('tr', {}, [
            el('td', { text: e.site }),
            el('td', { text: e.kindLabel + ' (' + e.campaign + ')' }),
            el('td', { text: e.due || '–' }),
            el('td', { class: 'etat', text: e.statusLabel }),
            el('td', {}, e.uploads.length === 0 ? ['–'] : e.uploads.map((u) => el('div', { class: u.accepted ? '' : 'etat-refused', text: u.fileName + ', ' + u.received + ' : ' + u.result }))),
          ]),
        ),
      ),
    ]),
  ]);
}

function declaredList(section: SectionView): HTMLElement {
  return el(
    'dl',
    { class: 'declaration' },
    section.declared.flatMap((d) => [el('dt', { text: d.label }), el('dd', { text: d.value })]),
  );
}

function textField(section: SectionView, field: string, label: string, value: string, help: string | null): HTMLElement {
  const id = fieldId(section.indicator, field);
  return el('div', { class: 'champ' }, [
    el('label', { for: id, text: label }),
    el('textarea', { id: id, rows: '4', maxlength: '4000', 'data-field': field, 'aria-describedby': help ? id + '-aide' : null }, [value]),
    help ? el('p', { id: id + '-aide', class: 'aide', text: help }) : null,
  ]);
}

function itemField(section: SectionView, item: SectionView['items'][number]): HTMLElement {
  const id = fieldId(section.indicator, 'item-' + item.id);
  const value = section.declaration.items[item.id];
  const label = item.label + (item.required ? '' : ' (facultatif)');
  if (item.type === 'yes_no') {
    return el('div', { class: 'champ' }, [
      el('label', { for: id, text: label }),
      el('select', { id: id, 'data-item': item.id, 'data-type': 'yes_no' }, [
        el('option', { value: '', text: 'Non renseigné', selected: value === null || value === undefined }),
        el('option', { value: 'oui', text: 'Oui', selected: value === true }),
        el('option', { value: 'non', text: 'Non', selected: value === false }),
      ]),
    ]);
  }
  return el('div', { class: 'champ' }, [
    el('label', { for: id, text: label }),
    el('input', {
      id: id,
      type: 'text',
      inputmode: 'decimal',
      size: '10',
      'data-item': item.id,
      'data-type': 'number',
      value: typeof value === 'number' ? String(value).replace('.', ',') : '',
    }),
  ]);
}

function declarationForm(section: SectionView): HTMLElement {
  const d = section.declaration;
  const name = fieldId(section.indicator, 'auto');
  return el('fieldset', { class: 'declarer' }, [
    el('legend', { text: 'Votre déclaration' }),
    el('fieldset', { class: 'choix' }, [
      el('legend', { text: 'Selon vous, l’objectif est-il atteint ?' }),
      ...ASSESSMENTS.map((a) => {
        const id = name + '-' + a[0];
        return el('div', { class: 'option' }, [
          el('input', { type: 'radio', id: id, name: name, value: a[0], checked: d.selfAssessment === a[0], 'data-field': 'selfAssessment' }),
          el('label', { for: id, text: a[1] }),
        ]);
      }),
    ]),
    ...section.items.map((item) => itemField(section, item)),
    textField(section, 'actions', 'Actions menées', d.actions, null),
    textField(section, 'missedReason', 'Si l’objectif n’est pas atteint : pourquoi', d.missedReason, 'Demandé lorsque l’objectif n’est pas atteint, selon vous ou selon le résultat calculé.'),
    textField(section, 'comments', 'Commentaires', d.comments, null),
  ]);
}

function reviewBlock(section: SectionView): HTMLElement | null {
  const r = section.review;
  if (!r) return null;
  return el('div', { class: 'evaluation' }, [
    el('h4', { text: 'Évaluation de l’OMéDIT' }),
    el('p', {}, [el('span', { class: 'etat etat-' + r.status, text: r.statusLabel }), ' – ' + r.decisionLabel + (r.value ? ' (' + r.value + ')' : '')]),
    r.dmi ? el('p', { class: 'petit', text: 'Cartographie et plan : ' + (r.dmi.cartographie ? 'oui' : 'non') + ' ; audit : ' + (r.dmi.audit ? 'oui' : 'non') + ' ; plan d’actions : ' + r.dmi.planLabel }) : null,
    r.comment ? el('p', { text: r.comment }) : null,
    el('p', { class: 'petit', text: 'Par ' + r.by + ', le ' + r.at }),
  ]);
}

function valueOf(id: string): string {
  return (document.getElementById(id) as HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement).value;
}

function checkedOf(id: string): boolean {
  return (document.getElementById(id) as HTMLInputElement).checked;
}

/** OMéDIT's form for one indicator: accept the computed result, or set it with a comment (DMI: its parts). */
function reviewForm(section: SectionView, onReview: OnReview): HTMLElement {
  const base = fieldId(section.indicator, 'eval');
  const dmi = section.indicator === 'DMI';
  const status = el('div', { class: 'champ' }, [
    el('label', { for: base + '-statut', text: 'Résultat évalué' }),
    el('select', { id: base + '-statut' }, [el('option', { value: 'met', text: STATUS_LABELS.met }), el('option', { value: 'not_met', text: STATUS_LABELS.not_met })]),
  ]);
  const parts = el('div', {}, [
    el('div', { class: 'option' }, [el('input', { type: 'checkbox', id: base + '-carto' }), el('label', { for: base + '-carto', text: 'Cartographie et plan d’actions (2 points)' })]),
    el('div', { class: 'option' }, [el('input', { type: 'checkbox', id: base + '-audit' }), el('label', { for: base + '-audit', text: 'Audit de traçabilité et d’information du patient (1 point)' })]),
    el('div', { class: 'champ' }, [
      el('label', { for: base + '-plan', text: 'Plan d’actions' }),
      el('select', { id: base + '-plan' }, [
        el('option', { value: 'fully', text: DMI_PLAN_LABELS.fully }),
        el('option', { value: 'partly', text: DMI_PLAN_LABELS.partly }),
        el('option', { value: 'not_sent', text: DMI_PLAN_LABELS.not_sent }),
      ]),
    ]),
  ]);
  const comment = el('div', { class: 'champ' }, [
    el('label', { for: base + '-commentaire', text: 'Commentaire (obligatoire si le résultat est fixé par l’OMéDIT)' }),
    el('textarea', { id: base + '-commentaire', rows: '2', maxlength: '4000' }),
  ]);
  const message = el('p', { class: 'petit', 'aria-live': 'polite' });
  const read = (decision: ReviewDecision['decision']): ReviewDecision => ({
    indicator: section.indicator as ReviewDecision['indicator'],
    decision: decision,
    status: decision === 'set' && !dmi ? (valueOf(base + '-statut') as 'met' | 'not_met') : undefined,
    dmi:
      decision === 'set' && dmi
        ? { cartographie: checkedOf(base + '-carto'), audit: checkedOf(base + '-audit'), plan: valueOf(base + '-plan') as keyof typeof DMI_PLAN_LABELS }
        : undefined,
    comment: valueOf(base + '-commentaire'),
  });
  return el('fieldset', { class: 'evaluer' }, [
    el('legend', { text: 'Évaluer cet indicateur' }),
    dmi ? parts : status,
    comment,
    el('div', { class: 'boutons' }, [
      el('button', { type: 'button', class: 'secondaire', text: 'Accepter le résultat calculé', onclick: () => onReview(read('computed'), message) }),
      el('button', { type: 'button', text: 'Fixer le résultat', onclick: () => onReview(read('set'), message) }),
    ]),
    message,
  ]);
}

/**
 * Renders a report in `box`. `mode`: `edit` (the establishment fills it in), `review` (OMéDIT
 * evaluates it), `read`. `onReview(decision, messageNode)` is called by the review forms.
 */
function render(box: HTMLElement, view: ReportView, mode: ReportMode, onReview?: OnReview): void {
  clear(box);
  view.sections.forEach((section) => {
    const editable = mode === 'edit' && section.state !== 'neutralised';
    box.appendChild(
      el('article', { class: 'indicateur', 'data-indicator': section.indicator }, [
        el('h3', { text: section.label }),
        el('p', { class: 'petit', text: section.context }),
        ...section.notes.map((n) => el('p', { class: 'info petit', text: n })),
        resultsTable(section),
        editable ? declarationForm(section) : el('div', {}, [el('h4', { text: 'Déclaration de l’établissement' }), declaredList(section)]),
        evidenceTable(section),
        section.missing.length > 0
          ? el('div', { class: 'manque' }, [el('h4', { text: 'Ce qui manque encore' }), el('ul', {}, section.missing.map((m) => el('li', { text: m })))])
          : null,
        reviewBlock(section),
        mode === 'review' && onReview ? reviewForm(section, onReview) : null,
      ]),
    );
  });
  if (view.sections.length === 0) box.appendChild(el('p', { text: 'Aucun indicateur ciblé pour ce contrat cette année.' }));
}

/** A French decimal as typed (`12,5`, `12.5 %`), or NaN. */
function parseNumber(text: string): number | null {
  const cleaned = text.replace(/[\s\u00a0\u202f%]/g, '').replace(',', '.');
  return cleaned === '' ? null : /^-?\d+(\.\d+)?$/.test(cleaned) ? Number(cleaned) : NaN;
}

/**
 * The declarations as the forms hold them, per indicator. Throws an Error naming the field when a
 * figure is not a number.
 */
function collect(box: HTMLElement, view: ReportView): Declarations {
  const out: Record<string, Declaration> = {};
  view.sections.forEach((section) => {
    const article = box.querySelector('article[data-indicator="' + section.indicator + '"]');
    if (!article || !article.querySelector('fieldset.declarer')) {
      out[section.indicator] = section.declaration;
      return;
    }
    const checked = article.querySelector<HTMLInputElement>('input[data-field="selfAssessment"]:checked');
    const items: Declaration['items'] = {};
    article.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[data-item]').forEach((input) => {
      if (input.getAttribute('data-type') === 'yes_no') {
        items[input.getAttribute('data-item')!] = input.value === '' ? null : input.value === 'oui';
        return;
      }
      const value = parseNumber(input.value);
      if (Number.isNaN(value)) {
        input.focus();
        throw new Error('« ' + article.querySelector('label[for="' + input.id + '"]')!.textContent + ' » attend un nombre (par exemple 12,5).');
      }
      items[input.getAttribute('data-item')!] = value;
    });
    const text = (field: string) => article.querySelector<HTMLTextAreaElement>('textarea[data-field="' + field + '"]')!.value;
    out[section.indicator] = {
      selfAssessment: checked ? (checked.value as 'met' | 'not_met') : null,
      actions: text('actions'),
      comments: text('comments'),
      missedReason: text('missedReason'),
      items: items,
    };
  });
  return out;
}

/** Saves a server answer (an attachment) as a file, as a download the browser offers. */
async function download(path: string, token: string | null, fileName: string): Promise<void> {
  const response = await fetch(path, {
    headers: token ? { Authorization: 'Bearer ' + token } : {},
    credentials: token ? 'omit' : 'same-origin',
    cache: 'no-store',
  });
  if (!response.ok) {
    let message = 'Export impossible (' + response.status + ').';
    try {
      message = ((await response.json()) as { error: { message: string } }).error.message;
    } catch {
      // Not a JSON refusal: the generic message stays.
    }
    throw new window.CAQES.ApiError(response.status, 'export', message);
  }
  const url = URL.createObjectURL(await response.blob());
  const link = el('a', { href: url, download: fileName, hidden: true });
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

window.CAQES.report = { render: render, collect: collect, download: download };
