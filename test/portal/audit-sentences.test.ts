/**
 * The audit log read as French sentences: "who did what, to whom, when", values rounded, actors
 * named (an account by its e-mail, a personal link by its establishment, the pipeline by what it is).
 */
import { describe, expect, it } from 'vitest';
import { auditNames, describeAuditEntry } from '../../lib/portal/audit-sentences';
import type { AuditEntry } from '../../lib/store/audit-log';

const names = auditNames(
  [
    { finess: '830100012', raisonSociale: 'CH de Toulon' },
    { finess: '130780018', raisonSociale: 'CHU Timone' },
  ],
  [{ campaign: '2025-S2', id: 'retour_preuves', label: 'Retour des éléments de preuve du semestre 2' }],
);

/** 23/02/2026 at 09:30 in Paris (UTC+1 in winter). */
const AT = '2026-02-23T08:30:00.000Z';

function entry(fields: Partial<AuditEntry> & Pick<AuditEntry, 'action' | 'actor'>): AuditEntry {
  return { id: 'abcdefgh1234', at: AT, region: 'PACA', label: '', target: null, before: null, after: null, ...fields };
}

const sentence = (e: AuditEntry) => describeAuditEntry(e, names).sentence;

describe('the audit log in French sentences', () => {
  it('names an establishment acting through its link, not the link’s id', () => {
    const submitted = entry({ action: 'report.submitted', actor: { kind: 'link', id: 'k3v9x2m4q8' }, target: 'C2', after: { year: 2025, version: 4, finess: '830100012' } });
    expect(describeAuditEntry(submitted, names).actorLabel).toBe('CH de Toulon');
    expect(sentence(submitted)).toBe('CH de Toulon a soumis le rapport d’auto-évaluation 2025 du contrat C2 (version 4), le 23/02/2026 à 09:30.');
  });

  it('rounds values and says the indicator and status in words', () => {
    const reviewed = entry({
      action: 'review.recorded',
      actor: { kind: 'account', id: 'pharmacien@omedit-paca.fr' },
      target: 'C1',
      after: { year: 2025, indicator: 'MO', decision: 'computed', status: 'not_met', value: 9.477756286266924, version: 3 },
    });
    const text = sentence(reviewed);
    expect(text).toMatch(/^pharmacien@omedit-paca\.fr a évalué l’indicateur .*\(MO\) du contrat C1 2025 : non atteint, valeur 9,5 \(résultat calculé retenu\), le 23\/02\/2026 à 09:30\.$/);
    expect(text).not.toContain('9,47');
    const final = entry({ action: 'review.recorded', actor: { kind: 'account', id: 'pharmacien@omedit-paca.fr' }, target: 'C1', after: { year: 2025, final: 'partly_met', version: 5 } });
    expect(sentence(final)).toBe('pharmacien@omedit-paca.fr a enregistré le résultat final du contrat C1 2025 : Objectifs partiellement atteints, le 23/02/2026 à 09:30.');
  });

  it('says what a reminder was for, without its message id', () => {
    const sent = entry({
      action: 'reminder.sent',
      actor: { kind: 'system', id: 'pipeline' },
      target: '830100012',
      after: { campaign: '2025-S2', deadline: 'retour_preuves', step: 'J-14', recipients: 2, messageId: '0102018c-secret-id' },
    });
    expect(sentence(sent)).toBe('Le traitement automatique a envoyé la relance J-14 « Retour des éléments de preuve du semestre 2 » à CH de Toulon (830100012) (2 destinataires), le 23/02/2026 à 09:30.');
  });

  it('tells links issued and revoked, one or several', () => {
    const by = { kind: 'account' as const, id: 'pharmacien@omedit-paca.fr' };
    expect(sentence(entry({ action: 'link.issued', actor: by, target: '130780018', after: { id: 'k1', campaign: '2025-S2', expiresAt: '2026-03-25T08:30:00.000Z' } }))).toBe(
      'pharmacien@omedit-paca.fr a créé un lien de dépôt pour CHU Timone (130780018), campagne 2025-S2, valable jusqu’au 25/03/2026, le 23/02/2026 à 09:30.',
    );
    expect(sentence(entry({ action: 'link.revoked', actor: by, target: '130780018', after: { campaign: '2025-S2', revoked: 4, unrevokedLinks: 0 } }))).toBe(
      'pharmacien@omedit-paca.fr a désactivé 4 liens de dépôt de CHU Timone (130780018), campagne 2025-S2, le 23/02/2026 à 09:30.',
    );
    expect(sentence(entry({ action: 'link.revoked', actor: by, target: '130780018', after: { campaign: '2025-S2', revoked: 1, id: 'k1' } }))).toBe(
      'pharmacien@omedit-paca.fr a désactivé un lien de dépôt de CHU Timone (130780018), campagne 2025-S2, le 23/02/2026 à 09:30.',
    );
  });

  it('names the machine credential, the referential files and the accounts in words', () => {
    expect(sentence(entry({ action: 'report.opened', actor: { kind: 'machine', id: 'caqes serve' }, target: '2025', after: { year: 2025, opened: 3 } }))).toBe(
      'La commande caqes serve a ouvert les rapports d’auto-évaluation 2025 (3 contrats), le 23/02/2026 à 09:30.',
    );
    expect(sentence(entry({ action: 'referential.targetings', actor: { kind: 'system', id: 'pipeline' }, target: 'ciblage-2025', before: { ciblage: 1200 }, after: { ciblage: 1234 } }))).toBe(
      // French thousands are grouped with a narrow no-break space.
      'Le traitement automatique a appliqué le fichier de ciblage « ciblage-2025 » : 1\u202f200 élément(s) avant, 1\u202f234 après, le 23/02/2026 à 09:30.',
    );
    expect(sentence(entry({ action: 'account.created', region: null, actor: { kind: 'account', id: 'admin@caqes.fr' }, target: 'lecteur@ars-paca.fr', after: { role: 'ars', regions: ['PACA'], status: 'active' } }))).toBe(
      'admin@caqes.fr a créé le compte lecteur@ars-paca.fr (ARS (lecture seule), PACA), le 23/02/2026 à 09:30.',
    );
  });

  it('tells a file OMéDIT sent from its inputs page by its own name and size', () => {
    const sent = entry({ action: 'input.uploaded', actor: { kind: 'account', id: 'omedit@paca.fr' }, target: 'referential/PACA/u1/calendrier-2025.csv', after: { kind: 'calendrier', year: 2025, fileName: 'Calendrier 2025.csv', size: 20_480 } });
    expect(sentence(sent)).toBe('omedit@paca.fr a envoyé le fichier « Calendrier 2025.csv » (calendrier 2025), 20 Ko, le 23/02/2026 à 09:30.');
  });

  it('never fails on a snapshot of another shape: the sentence says less', () => {
    expect(sentence(entry({ action: 'link.issued', actor: { kind: 'account', id: 'a@b.fr' }, target: '999999999', after: { campaign: 42 } }))).toBe(
      'a@b.fr a créé un lien de dépôt pour l’établissement 999999999, le 23/02/2026 à 09:30.',
    );
  });
});
