import { escapeHtml } from '../notify/escape';
import { pageHead } from './page-head';
import type { ReportView, ResultRowView, SectionView } from './self-evaluation-view';

const esc = (text: string): string => escapeHtml(text);

const STYLE = `
@page { size: A4 portrait; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { margin: 0; font-family: "DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif; color: #1f2933; font-size: 10px; line-height: 1.35; }
main { max-width: 186mm; margin: 0 auto; }
@media screen { body { background: #e9edf1; } main { background: #fff; padding: 10mm; margin: 6mm auto; box-shadow: 0 1px 6px rgba(0,0,0,.18); } }
header { border-bottom: 2px solid #1f4e79; padding-bottom: 6px; margin-bottom: 8px; }
h1 { font-size: 17px; margin: 0 0 2px; color: #1f4e79; }
h2 { font-size: 13px; margin: 14px 0 4px; color: #1f4e79; border-bottom: 1px solid #d9dee4; padding-bottom: 2px; break-after: avoid; }
h3 { font-size: 10.5px; margin: 8px 0 3px; break-after: avoid; }
p { margin: 2px 0; }
.muted { color: #52606d; }
.notice { border-left: 4px solid #9c5700; background: #fff7e6; padding: 4px 8px; margin: 6px 0; }
.status { font-weight: bold; }
table { border-collapse: collapse; width: 100%; margin: 3px 0 6px; break-inside: auto; }
th, td { border: 1px solid #d9dee4; padding: 2px 4px; text-align: left; vertical-align: top; }
th { background: #eef3f8; }
tr { break-inside: avoid; }
td.n { text-align: right; white-space: nowrap; }
tr.contract td { font-weight: bold; background: #f7f9fb; }
dl { margin: 2px 0 6px; display: grid; grid-template-columns: 38% 62%; gap: 1px 8px; }
dt { color: #52606d; }
dd { margin: 0; white-space: pre-wrap; }
ul { margin: 2px 0 6px; padding-left: 16px; }
section { break-inside: auto; }
footer { margin-top: 12px; border-top: 1px solid #d9dee4; padding-top: 4px; font-size: 8.5px; color: #52606d; }
`;

function resultsTable(section: SectionView): string {
  if (section.rows.length === 0) return '<p class="muted">Aucun résultat calculé pour l’instant.</p>';
  const h = section.rows[0]!.headings;
  const row = (r: ResultRowView) => `<tr${r.scope === 'contract' ? ' class="contract"' : ''}>
<td>${esc(r.name)}${r.finess ? `<br><span class="muted">FINESS ${esc(r.finess)}</span>` : ''}</td>
<td class="n">${esc(r.numerator ?? '–')}</td><td class="n">${esc(r.denominator ?? '–')}</td><td class="n">${esc(r.value ?? '–')}</td>
<td>${esc(r.target ?? '–')}</td><td>${esc(r.statusLabel)}${r.note ? `<br><span class="muted">${esc(r.note)}</span>` : ''}</td>
<td>${esc(r.source ?? '–')}${r.files.map((f) => `<br><span class="muted">${esc(f.name)}${f.received ? ` (reçu le ${esc(f.received)})` : ''}</span>`).join('')}</td>
</tr>`;
  return `<table>
<caption class="muted">Résultats calculés (lecture seule)</caption>
<thead><tr><th scope="col">Établissement</th><th scope="col">${esc(h.numerator)}</th><th scope="col">${esc(h.denominator)}</th><th scope="col">${esc(h.value)}</th><th scope="col">Objectif</th><th scope="col">Statut</th><th scope="col">Source</th></tr></thead>
<tbody>${section.rows.map(row).join('\n')}</tbody>
</table>`;
}

function evidenceTable(section: SectionView): string {
  if (section.evidence.length === 0) return '<p class="muted">Aucune pièce demandée pour cet indicateur.</p>';
  return `<table>
<thead><tr><th scope="col">Établissement</th><th scope="col">Pièce</th><th scope="col">Échéance</th><th scope="col">État</th><th scope="col">Fichiers reçus et résultat de la vérification</th></tr></thead>
<tbody>${section.evidence
    .map(
      (e) => `<tr><td>${esc(e.site)}</td><td>${esc(e.kindLabel)} (${esc(e.campaign)})</td><td>${esc(e.due ?? '–')}</td><td>${esc(e.statusLabel)}</td>
<td>${e.uploads.length === 0 ? '–' : e.uploads.map((u) => `${esc(u.fileName)}, ${esc(u.received)} : ${esc(u.result)}`).join('<br>')}</td></tr>`,
    )
    .join('\n')}</tbody>
</table>`;
}

function sectionHtml(section: SectionView): string {
  const review = section.review;
  return `<section>
<h2>${esc(section.label)}</h2>
<p class="muted">${esc(section.context)}</p>
${section.notes.map((n) => `<p class="muted">${esc(n)}</p>`).join('\n')}
${resultsTable(section)}
<h3>Déclaration de l’établissement</h3>
<dl>${section.declared.map((d) => `<dt>${esc(d.label)}</dt><dd>${esc(d.value)}</dd>`).join('')}</dl>
<h3>Pièces justificatives</h3>
${evidenceTable(section)}
${section.missing.length > 0 ? `<h3>Ce qui manque encore</h3><ul>${section.missing.map((m) => `<li>${esc(m)}</li>`).join('')}</ul>` : ''}
${
  review
    ? `<h3>Évaluation de l’OMéDIT</h3><dl><dt>Décision</dt><dd>${esc(review.decisionLabel)}</dd><dt>Résultat évalué</dt><dd>${esc(review.statusLabel)}${review.value ? ` (${esc(review.value)})` : ''}</dd>${
        review.dmi ? `<dt>Plan d’actions</dt><dd>${esc(review.dmi.planLabel)}</dd>` : ''
      }<dt>Commentaire</dt><dd>${esc(review.comment || '–')}</dd><dt>Par</dt><dd>${esc(review.by)}, le ${esc(review.at)}</dd></dl>`
    : ''
}
</section>`;
}

/**
 * A contract's self-evaluation report as a printable French page: who, where it stands, then per
 * indicator the computed results (each site and the contract as a whole), what the establishment
 * declared, the evidence with its validation result, what is still missing and OMéDIT's evaluation.
 * A self-contained file (inline styles, no script, every value escaped) that prints on A4 from any
 * browser, and that headless Chromium turns into a PDF (lib/report/pdf.ts).
 *
 * @example
 * await writeFile('rapport.html', buildReportPage(reportView(model, sources)));
 */
export function buildReportPage(view: ReportView): string {
  const state = [
    `Statut : <span class="status">${esc(view.statusLabel)}</span>`,
    view.deadline ? `échéance : ${esc(view.deadline)}` : 'aucune échéance fixée par le calendrier',
    view.saved ? `dernière modification : ${esc(view.saved.change.toLowerCase())} par ${esc(view.saved.by)}, le ${esc(view.saved.at)}` : null,
    view.submitted ? `soumis par ${esc(view.submitted.by)}, le ${esc(view.submitted.at)}` : null,
  ].filter(Boolean);
  const open = view.status === 'not_started' || view.status === 'draft';
  return `${pageHead(`${view.title} – ${view.contrat}`, STYLE)}
<main>
<header>
<h1>${esc(view.title)}</h1>
<p>${esc(view.subtitle)}</p>
<p class="muted">${state.join(' · ')}</p>
</header>
${view.notice ? `<p class="notice">${esc(view.notice)}</p>` : ''}
${view.reopened ? `<p class="muted">Rouvert par ${esc(view.reopened.by)} le ${esc(view.reopened.at)} jusqu’au ${esc(view.reopened.until)} : ${esc(view.reopened.reason)}</p>` : ''}
${
  view.final
    ? `<h2>Résultat final de l’évaluation</h2><p class="status">${esc(view.final.resultLabel)}</p>${view.final.comment ? `<p>${esc(view.final.comment)}</p>` : ''}<p class="muted">Par ${esc(view.final.by)}, le ${esc(view.final.at)}</p>`
    : ''
}
${open && view.blockers.length > 0 ? `<h2>Avant de soumettre le rapport</h2><ul>${view.blockers.map((b) => `<li>${esc(b)}</li>`).join('')}</ul>` : ''}
${view.sections.length === 0 ? '<p>Aucun indicateur ciblé pour ce contrat cette année.</p>' : view.sections.map(sectionHtml).join('\n')}
<footer>Rapport annuel d’auto-évaluation CAQES ${view.year}, contrat ${esc(view.contrat)}, région ${esc(view.region)} – situation au ${esc(view.today)}. Résultats calculés par le suivi CAQES de l’OMéDIT à partir des extractions CPAM et Open PHMEV, de l’ATIH et des pièces déposées ; pour un contrat multi-sites, l’ensemble du contrat est la somme des numérateurs et des dénominateurs de ses sites.</footer>
</main>
</body>
</html>
`;
}
