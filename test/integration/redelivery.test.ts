/**
 * Duplicate, out-of-order and overwritten deliveries on the embedded default: nothing changes twice,
 * the newest upload stays current, and nothing received is lost.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbedded, type Embedded } from '../../lib/local/embedded';
import { computeRegionYear } from '../../lib/pipeline/compute';
import { ingestObject, type ReceivedObject } from '../../lib/pipeline/ingest';
import { s3Keys } from '../../lib/store/keys';

const A = '130780018';
const REFERENTIAL = ['finess;finess_juridique;raison_sociale;region;categorie;contrat;emails', `${A};130780000;CHU Test;PACA;ex-DG;C1;a@chu.example`, ''].join('\n');
const extract = (i999: number, other: number) =>
  ['finess;annee;ucd;code_indication;nb_ucd;montant', `${A};2025;9412631;I999;${i999};${i999 * 10}`, `${A};2025;9412631;I000125;${other};${other * 10}`, ''].join('\n');

let embedded: Embedded;

async function put(key: string, body: string): Promise<void> {
  const rt = embedded.runtime;
  await rt.clients.s3.send(new PutObjectCommand({ Bucket: rt.objects.bucket, Key: key, Body: body }));
}

// Events are dated after the test run, so the uploads' own S3 events (dated now) never outrank them.

/** What S3 would announce for the object now under `key`, with a chosen time and sequencer. */
async function announced(key: string, eventTime: string, sequencer: string): Promise<ReceivedObject> {
  const eTag = (await embedded.runtime.objects.etag(key))!;
  return { key, eTag, size: 100, sequencer, eventTime };
}

beforeAll(async () => {
  embedded = await startEmbedded();
  await put('referential/etablissements.csv', REFERENTIAL);
  await put('referential/ciblage-2025.csv', `finess;indicateur\n${A};MO\n`);
  await embedded.drain();
}, 60_000);

afterAll(async () => {
  await embedded?.stop();
});

describe('re-delivery', () => {
  it('processes a re-delivered event once: the second delivery is recognised and changes nothing', async () => {
    const rt = embedded.runtime;
    const key = 'atih/2025/mo-a.csv';
    await put(key, extract(10, 90));
    await embedded.drain();
    const event = await announced(key, '2027-01-10T10:00:00.000Z', '0A');
    const firstTime = await ingestObject(event, rt);
    const secondTime = await ingestObject(event, rt);
    expect(firstTime.duplicate).toBe(false);
    expect(firstTime.compute).toEqual([{ region: 'PACA', year: 2025 }]);
    // The duplicate asks again for the same computation (harmless), in case the first send was lost.
    expect(secondTime).toEqual({ key, duplicate: true, report: null, compute: [{ region: 'PACA', year: 2025 }] });
    const facts = await rt.store.listMoFacts('PACA', 2025);
    expect(facts).toHaveLength(1);
    expect(facts[0]).toMatchObject({ totalUcd: 100, i999Ucd: 10 });
  });

  it('keeps the newest upload current when an older event arrives after a newer one', async () => {
    const rt = embedded.runtime;
    const key = 'atih/2025/mo-b.csv';
    await put(key, extract(5, 95));
    const older = await announced(key, '2027-01-31T08:00:00.000Z', '1F');
    await put(key, extract(30, 70));
    const newer = await announced(key, '2027-02-01T08:00:00.000Z', '20');
    await ingestObject(newer, rt);
    // s3rver keeps no versions: the older content is put back so its late event can still read it,
    // as a versioned bucket would serve it.
    await put(key, extract(5, 95));
    const late = await ingestObject(older, rt);
    expect(late.report?.status).toBe('accepted');
    expect(late.compute).toEqual([]);
    await computeRegionYear({ region: 'PACA', year: 2025 }, rt.store);
    const [fact] = await rt.store.listMoFacts('PACA', 2025);
    expect(fact!.source.key).toBe(key);
    expect(fact!.i999Ucd).toBe(30);
    const [result] = (await rt.store.listResults('PACA', 2025)).filter((r) => r.finess === A);
    expect(result).toMatchObject({ numerator: 30, denominator: 100 });
  });

  it('loses nothing when a file is overwritten before its event is processed', async () => {
    const rt = embedded.runtime;
    const key = 'atih/2025/mo-c.csv';
    await put(key, extract(40, 60));
    const firstEvent = await announced(key, '2027-03-01T08:00:00.000Z', '30');
    await put(key, extract(20, 80));
    const secondEvent = await announced(key, '2027-03-01T08:00:01.000Z', '31');
    // The first event no longer matches the stored content: it is reported, not read as the new one.
    const first = await ingestObject(firstEvent, rt);
    expect(first.report).toMatchObject({ status: 'rejected', issues: [{ code: 'unreadable-file' }] });
    const second = await ingestObject(secondEvent, rt);
    expect(second.report?.status).toBe('accepted');
    // The accepted content is archived under its own ETag, immutable whatever happens to the key.
    const archived = await rt.objects.readBuffer(s3Keys.archive(key, secondEvent.eTag));
    expect(archived.toString()).toBe(extract(20, 80));
    const [fact] = await rt.store.listMoFacts('PACA', 2025);
    expect(fact).toMatchObject({ i999Ucd: 20, totalUcd: 100, source: { key } });
    const events = await rt.store.listFileEvents(key);
    expect(events.map((e) => e.status)).toEqual(['rejected', 'accepted']);
  });

  it('changes no indicator when a refused file arrives', async () => {
    const rt = embedded.runtime;
    const before = await rt.store.listMoFacts('PACA', 2025);
    await put('atih/2025/mo-d.csv', `finess;annee;ucd;code_indication;nb_ucd;montant\n${A};2025;9412631;I999;beaucoup;10\n`);
    await embedded.drain();
    expect(await rt.store.listMoFacts('PACA', 2025)).toEqual(before);
    const [event] = await rt.store.listFileEvents('atih/2025/mo-d.csv');
    expect(event).toMatchObject({ status: 'rejected', errorCount: 1 });
  });
});
