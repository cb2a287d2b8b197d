import { describe, expect, it } from 'vitest';
import { issueMessage } from '../../lib/formats/messages';
import { ISSUE_CODES } from '../../lib/formats/report';

// Words that would betray an untranslated message to a pharmacist.
const ENGLISH = /\b(invalid|missing|unknown|expected|error|warning|file|column|row|value|empty|duplicate|line|undefined|null|too|large|many)\b/i;

describe('every issue code has a French message', () => {
  it.each([...ISSUE_CODES])('%s', (code) => {
    const full = issueMessage(code, { column: 'nb_ucd', value: 'trois', expected: 'nombre attendu', detail: 'précision' });
    // Without the optional expected / detail parts.
    const bare = issueMessage(code, { column: 'nb_ucd', value: 'trois' });
    for (const message of [full, bare]) {
      expect(message.trim().length).toBeGreaterThan(10);
      expect(message).not.toMatch(ENGLISH);
      expect(message).not.toContain(code);
      // Sentences, as read in an e-mail or a report.
      expect(message).toMatch(/^[A-ZÉ]/);
      expect(message).toMatch(/\.$/);
    }
  });

  it('names the column and the value the pharmacist has to fix', () => {
    expect(issueMessage('type-error', { column: 'nb_ucd', value: 'trois', expected: 'nombre positif ou nul attendu' })).toBe(
      'Valeur « trois » invalide dans la colonne « nb_ucd » : nombre positif ou nul attendu.',
    );
    expect(issueMessage('missing-column', { column: 'montant' })).toBe('Colonne obligatoire absente : « montant ».');
  });
});
