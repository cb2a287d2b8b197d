/**
 * Issue 18: "An establishment's category may suggest them on OMéDIT's page; it never applies them by
 * itself." The IDF FAQ (003_a1f9fbfe3d5c11ef.txt) neutralises for the ex-OQN establishments on the
 * ARS's list: OMéDIT's overview suggests it beside an ex-OQN site's indicator that
 * `neutralisation_ex_oqn` lists, and the status stays what the computation decided.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NEUTRALISATION_SUGGESTION, neutralisationSuggestion } from '../../lib/domain/neutralisation-suggestion';
import { A, B, D, startPortal, type Portal } from './fixture';

/** Clinique des Calanques, on the ARS's list for IPP in OMéDIT's targeting. */
const C = '130004013';

let portal: Portal;

beforeAll(async () => {
  portal = await startPortal({
    'referential/etablissements.csv': [
      'finess;finess_juridique;raison_sociale;region;categorie;contrat;emails',
      `${A};130780000;CHU Test – Timone;PACA;ex-DG;C1;a@chu.example`,
      `${B};830100004;Clinique de Toulon-Test;PACA;ex-OQN;C2;b@clinique.example`,
      `${C};130004005;Clinique des Calanques-Test;PACA;ex-OQN;C4;c@clinique.example`,
      `${D};2A0000709;Clinique d’Ajaccio-Test;Corse;ex-OQN;C3;d@clinique.example`,
      '',
    ].join('\n'),
    'referential/ciblage-2025.csv': [
      'finess;indicateur;neutralisation',
      `${A};IPP;`,
      `${A};MO;`,
      `${B};IPP;`,
      `${B};GENERIQUES;`,
      `${B};MO;`,
      `${C};IPP;oui`,
      `${D};GENERIQUES;`,
      '',
    ].join('\n'),
    // PACA's OMéDIT suggests IPP only; Corse keeps the default, the seven PHEV indicators.
    'referential/parametres-2025.csv': ['parametre;region;valeur', 'neutralisation_ex_oqn;PACA;IPP', ''].join('\n'),
  });
}, 60_000);

afterAll(async () => {
  await portal?.stop();
});

type Cell = { indicator: string; status: string; suggestion: string | null };

async function cells(): Promise<Map<string, Cell[]>> {
  const response = await fetch(`${portal.serving.url}/api/omedit/overview?year=2025`, { headers: { authorization: `Bearer ${portal.serving.staffToken}` } });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { establishments: { finess: string; indicators: Cell[] }[] };
  return new Map(body.establishments.map((e) => [e.finess, e.indicators]));
}

describe('issue 18: OMéDIT’s page suggests an ex-OQN site’s neutralisation, never applies it', () => {
  it('the sentence says it is a suggestion, depends on the ARS’s list, and is not applied', () => {
    expect(NEUTRALISATION_SUGGESTION).toBe('suggestion : établissement ex-OQN, neutralisation possible si l’ARS l’inscrit sur sa liste — non appliquée');
    expect(neutralisationSuggestion('ex-OQN', 'IPP', ['IPP'], 'not_met')).toBe(NEUTRALISATION_SUGGESTION);
    expect(neutralisationSuggestion('ex-DG', 'IPP', ['IPP'], 'not_met')).toBeNull();
    expect(neutralisationSuggestion('ex-OQN', 'MO', ['IPP'], 'not_met')).toBeNull();
    expect(neutralisationSuggestion('ex-OQN', 'IPP', ['IPP'], 'neutralised')).toBeNull();
    expect(neutralisationSuggestion(null, 'IPP', ['IPP'], 'no_data')).toBeNull();
  });

  it('the ex-OQN clinic not on the list: IPP suggested, its status left as computed (no CPAM data: no_data, not neutralised)', async () => {
    const toulon = (await cells()).get(B) ?? [];
    expect(toulon.find((c) => c.indicator === 'IPP')).toMatchObject({ status: 'no_data', suggestion: NEUTRALISATION_SUGGESTION });
    // PACA's parametres suggest IPP only: generics and MO get no suggestion.
    expect(toulon.find((c) => c.indicator === 'GENERIQUES')).toMatchObject({ suggestion: null });
    expect(toulon.find((c) => c.indicator === 'MO')).toMatchObject({ suggestion: null });
  });

  it('an ex-DG site gets no suggestion; an ex-OQN site on OMéDIT’s list is neutralised, so none either', async () => {
    const all = await cells();
    expect(all.get(A)?.find((c) => c.indicator === 'IPP')).toMatchObject({ suggestion: null });
    expect(all.get(C)?.find((c) => c.indicator === 'IPP')).toMatchObject({ status: 'neutralised', suggestion: null });
  });

  it('Corse sets no neutralisation_ex_oqn: the default, the seven PHEV indicators, suggests generics for its ex-OQN clinic', async () => {
    expect((await cells()).get(D)?.find((c) => c.indicator === 'GENERIQUES')).toMatchObject({ status: 'no_data', suggestion: NEUTRALISATION_SUGGESTION });
  });
});
