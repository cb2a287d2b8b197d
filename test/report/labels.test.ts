/**
 * Words of the pages and e-mails a pharmacist reads (issue 22): a delay in days written as a reader
 * writes it, and who wrote a report's version named as a person or an automatic processing, never
 * as a command.
 */
import { describe, expect, it } from 'vitest';
import { daysLateLabel, reportActorLabel } from '../../lib/report/labels';

describe('the words of the pages', () => {
  it('says a delay in days with the plural only past one day', () => {
    expect(daysLateLabel(1)).toBe('1 jour de retard');
    expect(daysLateLabel(3)).toBe('3 jours de retard');
  });

  it('names who wrote a report’s version: an account, an establishment, or an automatic processing for `caqes serve`', () => {
    expect(reportActorLabel({ kind: 'account', id: 'omedit@ars.example', finess: null })).toBe('omedit@ars.example');
    expect(reportActorLabel({ kind: 'link', id: 'l1', finess: '130780018' })).toBe('Établissement 130780018 (lien personnel)');
    // « Ouvert par l’OMéDIT (caqes serve) » read as jargon on the establishment's page.
    expect(reportActorLabel({ kind: 'machine', id: 'caqes serve', finess: null })).toBe('traitement automatique');
  });
});
