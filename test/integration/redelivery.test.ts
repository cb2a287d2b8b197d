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
    expect(firstTime.compute).toEqual([{ region: 'PACA', year: 2025, indicators: ['MO'] }]);
    // The duplicate asks again for the same computation (harmless), in case the first send was lost.
    expect(secondTime).toEqual({ key, duplicate: true, report: null, compute: [{ region: 'PACA', year: 2025, indicators: ['MO'] }] });
    const facts = await rt.facts.listMoFacts('PACA', 2025);
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
    await computeRegionYear({ region: 'PACA', year: 2025 }, rt, '2027-02-01');
    const [fact] = await rt.facts.listMoFacts('PACA', 2025);
    expect(fact!.source.key).toBe(key);
    expect(fact!.i999Ucd).toBe(30);
    const [result] = (await rt.results.list('PACA', 2025)).filter((r) => r.finess === A && r.indicator === 'MO');
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
    const [fact] = await rt.facts.listMoFacts('PACA', 2025);
    expect(fact).toMatchObject({ i999Ucd: 20, totalUcd: 100, source: { key } });
    const events = await rt.fileEvents.list(key);
    expect(events.map((e) => e.status)).toEqual(['rejected', 'accepted']);
  });

  it('changes no indicator when a refused file arrives', async () => {
    const rt = embedded.runtime;
    const before = await rt.facts.listMoFacts('PACA', 2025);
    await put('atih/2025/mo-d.csv', `finess;annee;ucd;code_indication;nb_ucd;montant\n${A};2025;9412631;I999;beaucoup;10\n`);
    await embedded.drain();
    expect(await rt.facts.listMoFacts('PACA', 2025)).toEqual(before);
    const [event] = await rt.fileEvents.list('atih/2025/mo-d.csv');
    expect(event).toMatchObject({ status: 'rejected', errorCount: 1 });
  });

  it('a corrected file for the same establishment and month replaces the earlier facts; the fact keeps what it replaced', async () => {
    const rt = embedded.runtime;
    const month = (i999: number, other: number) =>
      ['finess;annee;mois;ucd;code_indication;nb_ucd;montant', `${A};2025;5;9412631;I999;${i999};${i999 * 10}`, `${A};2025;5;9412631;I000125;${other};${other * 10}`, ''].join('\n');
    const first = 'atih/2025/mo-mai.csv';
    const corrected = 'atih/2025/mo-mai-corrige.csv';
    await put(first, month(50, 50));
    await ingestObject(await announced(first, '2027-04-01T08:00:00.000Z', '40'), rt);
    await put(corrected, month(10, 90));
    const fix = await ingestObject(await announced(corrected, '2027-04-02T08:00:00.000Z', '41'), rt);
    expect(fix.compute).toEqual([{ region: 'PACA', year: 2025, indicators: ['MO'] }]);
    const may = (await rt.facts.listMoFacts('PACA', 2025)).filter((f) => f.month === 5);
    expect(may).toHaveLength(1);
    expect(may[0]).toMatchObject({ i999Ucd: 10, totalUcd: 100, source: { key: corrected } });
    expect(may[0]!.replaced.map((r) => r.key)).toEqual([first]);
    // Both uploads keep their record and report; the earlier one is still there to audit.
    expect((await rt.fileEvents.list(first)).map((e) => e.status)).toEqual(['accepted']);
    expect((await rt.fileEvents.list(corrected)).map((e) => e.status)).toEqual(['accepted']);
  });

  it('a year sent month by month, then whole: the newest upload’s way counts, never both', async () => {
    const rt = embedded.runtime;
    const B = '130780026';
    await put('referential/etablissements.csv', [REFERENTIAL.trimEnd(), `${B};130780000;CHU Test Nord;PACA;ex-DG;C1;b@chu.example`, ''].join('\n'));
    await ingestObject(await announced('referential/etablissements.csv', '2027-05-01T08:00:00.000Z', '50'), rt);
    const monthly = ['finess;annee;mois;ucd;code_indication;nb_ucd;montant', `${B};2025;1;9412631;I999;5;50`, `${B};2025;2;9412631;I999;5;50`, ''].join('\n');
    const whole = ['finess;annee;mois;ucd;code_indication;nb_ucd;montant', `${B};2025;;9412631;I999;7;70`, ''].join('\n');
    await put('atih/2025/mo-nord-mensuel.csv', monthly);
    await put('atih/2025/mo-nord-annuel.csv', whole);
    const wholeEvent = await announced('atih/2025/mo-nord-annuel.csv', '2027-05-03T08:00:00.000Z', '52');
    const monthlyEvent = await announced('atih/2025/mo-nord-mensuel.csv', '2027-05-02T08:00:00.000Z', '51');
    // The whole year is the newer upload, but its event comes first.
    await ingestObject(wholeEvent, rt);
    await ingestObject(monthlyEvent, rt);
    const nord = (await rt.facts.listMoFacts('PACA', 2025)).filter((f) => f.finess === B);
    expect(nord.map((f) => [f.month, f.i999Ucd])).toEqual([[null, 7]]);
  });

  it('an older referential file arriving late never undoes a newer one', async () => {
    const rt = embedded.runtime;
    const key = 'referential/etablissements.csv';
    const C = '830100012';
    const older = [REFERENTIAL.trimEnd(), ''].join('\n');
    const newer = [REFERENTIAL.trimEnd(), `${C};830100004;Hôpital de Toulon;PACA;ex-DG;C2;c@ch.example`, ''].join('\n');
    await put(key, older);
    const olderEvent = await announced(key, '2027-06-01T08:00:00.000Z', '60');
    await put(key, newer);
    await ingestObject(await announced(key, '2027-06-02T08:00:00.000Z', '61'), rt);
    expect((await rt.referential.listEstablishments('PACA')).map((e) => e.finess).sort()).toEqual([A, C]);
    await put(key, older);
    const late = await ingestObject(olderEvent, rt);
    expect(late.report?.status).toBe('accepted');
    // The late file neither removes the site the newer file added nor changes anything else.
    expect((await rt.referential.listEstablishments('PACA')).map((e) => e.finess).sort()).toEqual([A, C]);
  });
});
