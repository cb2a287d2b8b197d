/** The keys of files sent from an OMéDIT's inputs page: their region and upload id, read back from the key. */
import { describe, expect, it } from 'vitest';
import { recognise } from '../../lib/formats/registry';
import { parseDropKey, s3Keys } from '../../lib/store/keys';

describe('regional input keys', () => {
  it('builds one key per upload under the zone, the region and the upload id', () => {
    expect(s3Keys.regionalInput('referential', null, 'CORSE', 'u1', 'calendrier-2025.csv')).toBe('referential/CORSE/u1/calendrier-2025.csv');
    expect(s3Keys.regionalInput('cpam', 2025, 'PACA', 'u2', 'open phmev 2025.CSV')).toBe('cpam/2025/PACA/u2/open_phmev_2025.CSV');
  });

  it('reads the region and the upload id back, and the kind from the name as in the drop zone', () => {
    const referential = parseDropKey('referential/CORSE/u1/ciblage-2025.csv');
    expect(referential).toEqual({ zone: 'referential', fileName: 'ciblage-2025.csv', region: 'CORSE', uploadId: 'u1' });
    expect(recognise(referential!)).toMatchObject({ tag: 'table', year: 2025, kinds: [{ id: 'ciblage' }] });
    const extract = parseDropKey('atih/2025/PACA/u3/mo-2025.csv');
    expect(extract).toEqual({ zone: 'atih', year: 2025, fileName: 'mo-2025.csv', region: 'PACA', uploadId: 'u3' });
  });

  it('keeps the drop zone’s own layouts without a region: rows then name the regions they change', () => {
    expect(parseDropKey('referential/etablissements.csv')).toEqual({ zone: 'referential', fileName: 'etablissements.csv' });
    expect(parseDropKey('atih/2025/mo-2025.csv')).toEqual({ zone: 'atih', year: 2025, fileName: 'mo-2025.csv' });
  });

  it.each([
    ['referential/corse/u1/etablissements.csv', 'a region in lower case'],
    ['referential/CORSE/etablissements.csv', 'no upload id'],
    ['referential/CORSE/u 1/etablissements.csv', 'an upload id with a space'],
    ['atih/2025/CORSE/mo-2025.csv', 'an extract without upload id'],
    ['atih/2025/CORSE/u1/x/mo-2025.csv', 'one folder too many'],
  ])('is not a layout: %s (%s)', (key) => {
    expect(parseDropKey(key)).toBeNull();
  });
});
