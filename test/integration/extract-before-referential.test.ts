/**
 * "An ATIH or CPAM extract that arrives before the referential names its establishments loses
 * nothing: its rows are kept per FINESS and counted once the referential knows them (no second drop
 * needed)." The extracts are dropped first, the referential a day later.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbedded, type Embedded } from '../../lib/local/embedded';

const A = '130780018';
const B = '130780026';
let embedded: Embedded;

async function put(key: string, body: string): Promise<void> {
  const rt = embedded.runtime;
  await rt.clients.s3.send(new PutObjectCommand({ Bucket: rt.objects.bucket, Key: key, Body: body }));
  await embedded.drain();
}

beforeAll(async () => {
  embedded = await startEmbedded();
  embedded.setClock(() => new Date('2026-02-20T06:00:00.000Z'));
  await put('atih/2025/mo-2025.csv', `finess;annee;ucd;code_indication;nb_ucd;montant\n${A};2025;9412631;I999;19;190\n${A};2025;9412631;I000125;81;810\n${B};2025;9412631;I999;30;300\n${B};2025;9412631;I000125;70;700\n`);
  await put('cpam/2025/phev-2025.csv', `finess;indicateur;periode;numerateur;denominateur;valeur;valeur_reference\n${A};PERFADOM;2025;220000,00;;;212560,39\n`);
}, 60_000);

afterAll(async () => {
  await embedded?.stop();
});

describe('extracts dropped before the referential', () => {
  it('are accepted, each unknown FINESS said once, and nothing is counted yet', async () => {
    const rt = embedded.runtime;
    const [mo] = await rt.fileEvents.list('atih/2025/mo-2025.csv');
    expect(mo).toMatchObject({ status: 'accepted', issueCounts: { 'unknown-finess': 2 } });
    expect(await rt.referential.listRegions()).toEqual([]);
    expect((await embedded.runtime.waiting.list()).map((w) => [w.key, w.finess])).toEqual([
      ['atih/2025/mo-2025.csv', [A, B]],
      ['cpam/2025/phev-2025.csv', [A]],
    ]);
  });

  it('count once the referential names their establishments, without being dropped again', async () => {
    embedded.setClock(() => new Date('2026-02-21T06:00:00.000Z'));
    await put('referential/etablissements.csv', `finess;finess_juridique;raison_sociale;region;categorie;contrat;emails\n${A};130780000;CHU Test – Timone;PACA;ex-DG;C1;a@chu.example\n${B};130780000;CHU Test – Nord;PACA;ex-DG;C1;b@chu.example\n`);
    await put('referential/ciblage-2025.csv', `finess;indicateur\n${A};MO\n${B};MO\n`);
    const rt = embedded.runtime;
    // I999 share: A 19 / (19 + 81) = 19 %, B 30 / (30 + 70) = 30 %.
    const results = (await rt.results.list('PACA', 2025)).filter((r) => r.indicator === 'MO' && r.scope === 'site');
    expect(results.map((r) => [r.finess, r.value])).toEqual([[A, 19], [B, 30]]);
    expect((await rt.facts.listCpamFacts('PACA', 2025)).map((f) => [f.finess, f.indicator])).toEqual([[A, 'PERFADOM']]);
    const [mo] = await rt.fileEvents.list('atih/2025/mo-2025.csv');
    expect(mo).toMatchObject({ status: 'accepted', rowsAccepted: 4 });
    expect(mo!.issueCounts['unknown-finess']).toBeUndefined();
    expect(await embedded.runtime.waiting.list()).toEqual([]);
    expect(embedded.deadLetters()).toEqual([]);
  });
});
