import { describe, expect, it } from 'vitest';
import { recueilInitiationsFormat } from '../../lib/formats/kinds/recueil-initiations';
import { cp1252, read, where, payload } from './helpers';

const APHM = '130786049';
const HEADER = 'FINESS;DCI;Indication;Date initiation;Nb patients';

describe('evidence/<campaign>/<finess>/recueil_initiations/', () => {
  it('counts initiations and patients, per DCI most first', async () => {
    const out = await read(
      recueilInitiationsFormat,
      cp1252([
        HEADER,
        `${APHM};Rituximab;Lymphome de la zone marginale (niveau 3);14/01/2025;3`,
        `${APHM};BEVACIZUMAB;Glioblastome récidivant;2025-02-03;2`,
        `${APHM};rituximab;Purpura thrombopénique immunologique;30/06/2025;4`,
      ]),
      { campaign: '2025-S1', finess: APHM },
    );
    expect(out.list).toEqual([]);
    // 3 initiations, 3 + 2 + 4 = 9 patients; rituximab 3 + 4 = 7 whatever its case.
    expect(payload(out.output)).toEqual({
      type: 'initiations',
      initiations: 3,
      patients: 9,
      byDci: [
        { dci: 'RITUXIMAB', patients: 7 },
        { dci: 'BEVACIZUMAB', patients: 2 },
      ],
    });
  });

  it('a date outside the campaign’s semester, another establishment, no patient: refused with the place of each', async () => {
    const out = await read(
      recueilInitiationsFormat,
      cp1252([
        HEADER,
        `${APHM};Rituximab;LZM;01/07/2025;3`, // line 2: S2, not S1
        `130001647;Rituximab;LZM;01/03/2025;3`, // line 3
        `${APHM};Rituximab;LZM;01/03/2025;0`, // line 4
      ]),
      { campaign: '2025-S1', finess: APHM },
    );
    expect(where(out.list)).toEqual(['error period-outside-campaign@2:date_initiation', 'error wrong-establishment@3:finess', 'error type-error@4:nb_patients']);
    expect(out.list[0]!.message).toBe('Période « 01/07/2025 » hors de la campagne 2025-S1 (du 01/01/2025 au 30/06/2025).');
    expect(out.output).toBeNull();
  });
});
