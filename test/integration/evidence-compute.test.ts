/**
 * An evidence upload asks for the computation of the indicators whose calendar rows list its kind of
 * document, for its region and campaign year: the deadlines its report lock read.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbedded, type Embedded } from '../../lib/local/embedded';
import { ingestObject } from '../../lib/pipeline/ingest';

const A = '130780018';
const files: Record<string, string> = {
  'referential/etablissements.csv': ['finess;finess_juridique;raison_sociale;region;categorie;contrat;emails', `${A};130780000;CHU Test;PACA;ex-DG;C1;a@chu.example`, ''].join('\n'),
  'referential/calendrier-2025.csv': [
    'campagne;echeance;date;indicateur;documents;libelle',
    '2025-S2;retour_preuves;09/03/2026;MO;plan_actions;Retour des éléments de preuve du semestre 2',
    '2025-S2;retour_preuves;09/03/2026;DMI;audit_dmi;Retour des éléments de preuve du semestre 2',
    '',
  ].join('\n'),
};

let embedded: Embedded;

async function put(key: string, body: string): Promise<void> {
  const rt = embedded.runtime;
  await rt.clients.s3.send(new PutObjectCommand({ Bucket: rt.objects.bucket, Key: key, Body: body }));
}

beforeAll(async () => {
  embedded = await startEmbedded();
  for (const [key, body] of Object.entries(files)) await put(key, body);
  await embedded.drain();
}, 60_000);

afterAll(async () => {
  await embedded?.stop();
});

describe('an evidence upload', () => {
  it.each([
    ['plan_actions', ['MO']],
    ['audit_dmi', ['DMI']],
  ])('of kind %s asks for the computation of %j only', async (kind, indicators) => {
    const key = `evidence/2025-S2/${A}/${kind}/u1-document.pdf`;
    await put(key, '%PDF-1.4\n%%EOF\n');
    const eTag = (await embedded.runtime.objects.etag(key))!;
    const outcome = await ingestObject({ key, eTag, size: 15, sequencer: '0A', eventTime: '2026-02-23T08:00:00.000Z' }, embedded.runtime);
    expect(outcome.report?.status).toBe('accepted');
    expect(outcome.compute).toEqual([{ region: 'PACA', year: 2025, indicators }]);
  });
});
