/** What establishments and OMéDIT read: the reminder, the digest, and what SES reports back. */
import { describe, expect, it } from 'vitest';
import type { DueReminder } from '../../lib/domain/reminders';
import { renderDigest } from '../../lib/notify/digest-email';
import { renderReminder } from '../../lib/notify/reminder-email';
import { suppressionsOf } from '../../lib/notify/ses-feedback';

const HOSTILE = 'Clinique <script>alert(1)</script>\r\nBcc: spam@example.com';

function reminder(over: Partial<DueReminder> = {}): DueReminder {
  return {
    deadline: { year: 2025, campaign: '2025-S2', id: 'retour_preuves', date: '2026-03-09', indicator: 'MO', documents: ['plan_actions'], label: 'Retour des éléments de preuve' },
    establishment: { finess: '130786049', finessJuridique: '130786049', raisonSociale: 'CH des Tests', region: 'PACA', categorie: 'ex-DG', contrat: 'C1', emails: ['pui@ch.example'] },
    step: 'J-14',
    daysLeft: 14,
    strict: false,
    owed: [
      { kind: 'plan_actions', state: 'missing', detail: null },
      { kind: 'argumentaire_hors_amm', state: 'refused', detail: 'fichier « arg.csv » reçu mais refusé : ligne 3, colonne « nb_ucd » : Valeur « trois » invalide.' },
      { kind: 'recueil_initiations', state: 'incomplete', detail: null },
    ],
    ...over,
  };
}
const LINK = { url: 'https://portail.example/depot#v1.abc.def', expiresAt: '2026-03-25T06:00:00.000Z' };

describe('the reminder e-mail', () => {
  it('lists each thing owed with why, the date, and the personal link with its end date', () => {
    const email = renderReminder(reminder(), LINK);
    expect(email.to).toEqual(['pui@ch.example']);
    // The deadline's day counts: "au plus tard le", never "avant le".
    expect(email.subject).toBe('CAQES 2025-S2 : Retour des éléments de preuve au plus tard le 09/03/2026 – CH des Tests');
    expect(email.text).toContain('à déposer au plus tard le 09/03/2026 (dans 14 jours).');
    expect(email.text).not.toContain('délai de rigueur');
    expect(email.text).toContain("  - Plan d’actions\n");
    expect(email.text).toContain('  - Argumentaire hors-AMM (fichier « arg.csv » reçu mais refusé : ligne 3, colonne « nb_ucd » : Valeur « trois » invalide.)');
    expect(email.text).toContain('Déposez vos documents sur votre lien personnel : https://portail.example/depot#v1.abc.def');
    expect(email.text).toContain('valable jusqu’au 25/03/2026');
  });

  it('after the deadline, says since when', () => {
    const email = renderReminder(reminder({ step: 'J+1', daysLeft: -1 }), LINK);
    expect(email.subject).toBe('CAQES 2025-S2 : éléments attendus depuis le 09/03/2026 – CH des Tests');
    expect(email.text).toContain('était fixée au 09/03/2026 (depuis 1 jour).');
  });

  // Seed 000: "Délai de rigueur pour le retour de l’argumentaire des prescriptions hors-AMM S2 2025 : 21/03/2026".
  describe('a délai de rigueur', () => {
    const strict = (over: Partial<DueReminder>) =>
      reminder({ deadline: { year: 2025, campaign: '2025-S2', id: 'argumentaire_hors_amm', date: '2026-03-21', indicator: 'MO', documents: ['argumentaire_hors_amm'], label: 'Argumentaire hors-AMM S2 2025' }, strict: true, ...over });

    it('before it: says that nothing received after its day will count', () => {
      const email = renderReminder(strict({ step: 'J-7', daysLeft: 7 }), LINK);
      expect(email.subject).toBe('CAQES 2025-S2 : Argumentaire hors-AMM S2 2025 au plus tard le 21/03/2026 – CH des Tests');
      expect(email.text).toContain('C’est un délai de rigueur : un fichier reçu après le 21/03/2026 ne sera pas pris en compte.');
    });

    it('after it: says plainly that a late file will not count, in the subject, the text and the HTML', () => {
      const email = renderReminder(strict({ step: 'J+1', daysLeft: -1 }), LINK);
      expect(email.subject).toBe('CAQES 2025-S2 : délai de rigueur du 21/03/2026 dépassé – CH des Tests');
      expect(email.text).toContain('Ce délai de rigueur est dépassé : un fichier déposé maintenant sera conservé mais ne sera pas pris en compte.');
      expect(email.html).toContain('<strong>Ce délai de rigueur est dépassé : un fichier déposé maintenant sera conservé mais ne sera pas pris en compte.</strong>');
    });
  });

  it('escapes every value in the HTML part and keeps the subject on one line', () => {
    const hostile = reminder();
    hostile.establishment = { ...hostile.establishment, raisonSociale: HOSTILE };
    const email = renderReminder(hostile, LINK);
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

describe('OMéDIT’s digest', () => {
  it('says who was reminded of what, who is late, and which addresses were left out', () => {
    const late = reminder({ step: 'J+3', daysLeft: -3 });
    const digest = renderDigest(
      'PACA',
      '2026-03-12',
      [
        { reminder: reminder(), outcome: 'sent', suppressed: [] },
        { reminder: reminder({ establishment: { ...reminder().establishment, raisonSociale: 'CH Rebond', finess: '060000015', emails: ['x@rebond.example'] } }), outcome: 'suppressed', suppressed: [{ address: 'x@rebond.example', reason: 'bounce', detail: '5.1.1 user unknown', at: '2026-03-01T10:00:00Z' }] },
      ],
      [late],
      ['omedit@ars.example'],
    );
    expect(digest.to).toEqual(['omedit@ars.example']);
    expect(digest.subject).toBe('CAQES PACA – relances du 12/03/2026 : 1 envoyée(s), 1 établissement(s) en retard');
    expect(digest.text).toContain('Relances envoyées aujourd’hui (1) :\n  - CH des Tests (130786049) – Retour des éléments de preuve du 09/03/2026 [J-14] : Plan d’actions, Argumentaire hors-AMM (refusé), Recueil des initiations (incomplet)');
    expect(digest.text).toContain('En retard (1) :\n  - CH des Tests (130786049) – Retour des éléments de preuve du 09/03/2026, 3 jours de retard');
    expect(digest.text).toContain('x@rebond.example (CH Rebond) : adresse en échec définitif depuis le 01/03/2026 – aucune autre adresse : l’établissement n’a pas été relancé');
  });
});

describe('SES feedback', () => {
  const bounce = (bounceType: string) =>
    JSON.stringify({ eventType: 'Bounce', mail: {}, bounce: { bounceType, bounceSubType: 'General', timestamp: '2026-03-01T10:00:00.000Z', bouncedRecipients: [{ emailAddress: 'Pui@CH.example', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }] } });

  it('a permanent bounce puts its recipients on the suppression list; a transient one does not', () => {
    expect(suppressionsOf(bounce('Permanent'))).toEqual([{ address: 'Pui@CH.example', reason: 'bounce', detail: 'smtp; 550 5.1.1 user unknown', at: '2026-03-01T10:00:00.000Z' }]);
    expect(suppressionsOf(bounce('Transient'))).toEqual([]);
  });

  it('a complaint does too; other events (deliveries, opens) do nothing', () => {
    const complaint = JSON.stringify({ eventType: 'Complaint', complaint: { timestamp: '2026-03-02T08:00:00.000Z', complaintFeedbackType: 'abuse', complainedRecipients: [{ emailAddress: 'a@b.example' }] } });
    expect(suppressionsOf(complaint)).toEqual([{ address: 'a@b.example', reason: 'complaint', detail: 'abuse', at: '2026-03-02T08:00:00.000Z' }]);
    expect(suppressionsOf(JSON.stringify({ eventType: 'Delivery' }))).toEqual([]);
  });

  it('refuses what is not an SES event', () => {
    expect(() => suppressionsOf('not json')).toThrow();
    expect(() => suppressionsOf(JSON.stringify({ hello: 1 }))).toThrow();
  });
});
