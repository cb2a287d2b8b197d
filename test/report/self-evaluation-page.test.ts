/** The printable self-evaluation report: every text typed by an establishment is shown, never run. */
import { describe, expect, it } from 'vitest';
import type { Establishment } from '../../lib/domain/schemas';
import { openedReport, saveDeclarations } from '../../lib/domain/self-evaluation';
import { reportModel } from '../../lib/domain/self-evaluation-model';
import { buildReportPage } from '../../lib/report/self-evaluation-page';
import { reportView } from '../../lib/report/self-evaluation-view';

const HOSTILE = '<img src=x onerror="alert(1)">';
const site: Establishment = { finess: '130780018', finessJuridique: '130780000', raisonSociale: `CHU ${HOSTILE}`, region: 'PACA', categorie: 'ex-DG', contrat: 'C-1', emails: [] };

describe('buildReportPage', () => {
  it('escapes the establishment’s name and declarations, and allows no script', () => {
    const by = { kind: 'link' as const, id: 'lien', finess: site.finess };
    const report = saveDeclarations(
      openedReport({ region: 'PACA', year: 2025, contrat: 'C-1' }, by, '2026-02-23T10:00:00.000Z'),
      { declarations: { MO: { selfAssessment: 'not_met', actions: HOSTILE, comments: `</p>${HOSTILE}`, missedReason: 'Rupture <b>fournisseur</b>', items: {} } }, expectedVersion: 1, submit: false, blockers: [] },
      { deadline: null, locked: false, reopenedUntil: null },
      by,
      '2026-02-23T10:00:00.000Z',
    );
    const model = reportModel({ region: 'PACA', year: 2025, contrat: 'C-1', today: '2026-02-23', establishments: [site], targetings: [{ year: 2025, finess: site.finess, indicator: 'MO' }], results: [], evidence: [], deadlines: [], report });
    const html = buildReportPage(reportView(model, new Map()));
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
    expect(html).toContain('Rupture &lt;b&gt;fournisseur&lt;/b&gt;');
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
  });
});
