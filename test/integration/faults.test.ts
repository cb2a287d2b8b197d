/**
 * Faults injected into the embedded runtime while it runs the real handlers: S3 failing mid-read,
 * DynamoDB timing out between writes, the function dying between two writes, a poison message.
 * Each ends processed exactly once, or dead-lettered with its file record saying why and brought
 * back by a replay; no indicator ever comes from part of a file.
 */
import { Readable } from 'node:stream';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startEmbedded, type Embedded } from '../../lib/local/embedded';
import { invokeSqsHandler } from '../../lib/local/invoke';
import { deadLetterCauses, renderDeadLetterCause } from '../../lib/pipeline/dead-letter-causes';

const A = '130780018';
const B = '130780026';
const C = '830100012';
const SITES = [A, B, C];
let embedded: Embedded;

/**
 * Twelve months for each site; site i has `10 * (i + 1)` I999 units of 100 per month, so its MO
 * share is 10 %, 20 %, 30 % whatever the year. Rows are padded so the file spans several chunks.
 */
function extract(year: number): string {
  const lines = ['finess;annee;mois;ucd;libelle;code_indication;nb_ucd;montant'];
  SITES.forEach((finess, i) => {
    for (let month = 1; month <= 12; month++) {
      const i999 = 10 * (i + 1);
      lines.push(`${finess};${year};${month};9412631;${'ANTICORPS MONOCLONAL '.repeat(20)};I999;${i999};${i999 * 50}`);
      lines.push(`${finess};${year};${month};9412631;${'ANTICORPS MONOCLONAL '.repeat(20)};I000125;${100 - i999};${(100 - i999) * 50}`);
    }
  });
  return lines.join('\n') + '\n';
}

async function put(key: string, body: string): Promise<void> {
  const rt = embedded.runtime;
  await rt.clients.s3.send(new PutObjectCommand({ Bucket: rt.objects.bucket, Key: key, Body: body }));
}

/** The MO shares computed for a year, per site, as an OMéDIT pharmacist reads them. */
async function moShares(year: number): Promise<Record<string, { i999: number | null; total: number | null }>> {
  const results = await embedded.runtime.results.list('PACA', year);
  return Object.fromEntries(
    results.filter((r) => r.indicator === 'MO' && r.scope === 'site').map((r) => [r.finess, { i999: r.numerator, total: r.denominator }]),
  );
}

const EXPECTED_SHARES = { [A]: { i999: 120, total: 1200 }, [B]: { i999: 240, total: 1200 }, [C]: { i999: 360, total: 1200 } };

/** Each site's twelve monthly facts, as stored: none missing, none counted twice. */
async function monthlyUnits(year: number): Promise<string[]> {
  const facts = await embedded.runtime.facts.listMoFacts('PACA', year);
  return facts.map((f) => `${f.finess}:${f.month}:${f.i999Ucd}/${f.totalUcd}`).sort();
}

const EXPECTED_FACTS = SITES.flatMap((finess, i) => Array.from({ length: 12 }, (_, m) => `${finess}:${m + 1}:${10 * (i + 1)}/100`)).sort();

beforeAll(async () => {
  embedded = await startEmbedded();
  await put(
    'referential/etablissements.csv',
    [
      'finess;finess_juridique;raison_sociale;region;categorie;contrat;emails',
      `${A};130780000;CHU Test – Timone;PACA;ex-DG;C1;a@chu.example`,
      `${B};130780000;CHU Test – Nord;PACA;ex-DG;C1;b@chu.example`,
      `${C};830100004;Hôpital de Toulon-Test;PACA;ex-DG;C2;c@ch.example`,
      '',
    ].join('\n'),
  );
  for (const year of [2022, 2023, 2024, 2025]) await put(`referential/ciblage-${year}.csv`, ['finess;indicateur', ...SITES.map((f) => `${f};MO`), ''].join('\n'));
  await embedded.drain();
}, 60_000);

afterEach(() => {
  vi.restoreAllMocks();
});

afterAll(async () => {
  await embedded?.stop();
});

describe('S3 failing in the middle of a file', () => {
  const key = 'atih/2023/mo-2023.csv';

  it('computes nothing from the part read, dead-letters the file with why, and a replay processes it once', async () => {
    const rt = embedded.runtime;
    const read = rt.objects.read.bind(rt.objects);
    let opened = 0;
    // Every read of this file breaks after half of it, as a reset connection would.
    vi.spyOn(rt.objects, 'read').mockImplementation(async (k: string) => {
      if (!k.includes('mo-2023')) return read(k);
      opened++;
      const chunks: Buffer[] = [];
      for await (const chunk of await read(k)) chunks.push(Buffer.from(chunk as Uint8Array));
      const bytes = Buffer.concat(chunks);
      return Readable.from(
        (async function* () {
          yield bytes.subarray(0, bytes.length >> 1);
          throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
        })(),
      );
    });
    await put(key, extract(2023));
    await embedded.drain();

    expect(opened).toBeGreaterThanOrEqual(5);
    expect(await monthlyUnits(2023)).toEqual([]);
    // The sites are targeted, so the year shows them without data rather than with part of it.
    expect(await moShares(2023)).toEqual(Object.fromEntries(SITES.map((f) => [f, { i999: null, total: null }])));
    const [record] = await rt.fileEvents.list(key);
    expect(record).toMatchObject({ status: 'processing', attempts: 5, reportKey: null });
    expect(record?.lastError).toMatch(/ECONNRESET/);

    const letters = embedded.deadLetters();
    expect(letters).toHaveLength(1);
    const [cause] = await deadLetterCauses(letters, rt.fileEvents);
    expect(cause).toMatchObject({ queue: 'ingest', subject: key, attempts: 5 });
    expect(renderDeadLetterCause(cause!)).toBe(`${key} (file ingest, 5 tentative(s)) : Error: read ECONNRESET`);

    // The cause is fixed (S3 answers again): the replay processes the file, once.
    vi.restoreAllMocks();
    expect(await embedded.replayDeadLetters()).toBe(1);
    expect(embedded.deadLetters()).toEqual([]);
    expect(await monthlyUnits(2023)).toEqual(EXPECTED_FACTS);
    expect(await moShares(2023)).toEqual(EXPECTED_SHARES);
    const after = await rt.fileEvents.list(key);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ status: 'accepted', attempts: 6, rowsAccepted: 72 });

    // Replaying again finds nothing to do and changes nothing.
    expect(await embedded.replayDeadLetters()).toBe(0);
    expect(await monthlyUnits(2023)).toEqual(EXPECTED_FACTS);
  });
});

describe('the function dying between two writes', () => {
  it('after the facts, before the file record: the retry completes it and still asks for the indicators', async () => {
    const rt = embedded.runtime;
    const finish = rt.fileEvents.finish.bind(rt.fileEvents);
    let killed = false;
    vi.spyOn(rt.fileEvents, 'finish').mockImplementation(async (event) => {
      if (event.key.includes('mo-2024') && !killed) {
        killed = true;
        throw new Error('Runtime exited with error: signal: killed');
      }
      return finish(event);
    });
    const key = 'atih/2024/mo-2024.csv';
    await put(key, extract(2024));
    await embedded.drain();

    expect(killed).toBe(true);
    expect(embedded.deadLetters()).toEqual([]);
    expect(await monthlyUnits(2024)).toEqual(EXPECTED_FACTS);
    expect(await moShares(2024)).toEqual(EXPECTED_SHARES);
    const records = await rt.fileEvents.list(key);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ status: 'accepted', attempts: 2, lastError: 'Error: Runtime exited with error: signal: killed' });
  });

  it('DynamoDB timing out in the middle of the facts: the retry writes them all, none twice', async () => {
    const rt = embedded.runtime;
    const send = rt.clients.dynamo.send.bind(rt.clients.dynamo) as (command: unknown) => Promise<unknown>;
    let factPuts = 0;
    let timedOut = false;
    vi.spyOn(rt.clients.dynamo, 'send').mockImplementation((async (command: unknown) => {
      if (command instanceof PutCommand && String(command.input.Item?.pk).includes('2022') && String(command.input.Item?.sk).startsWith('FACT#MO#') && !timedOut) {
        // The second of the three establishments' year items: one written, two not.
        if (++factPuts === 2) {
          timedOut = true;
          throw Object.assign(new Error('Connection timed out after 1000 ms'), { name: 'TimeoutError' });
        }
      }
      return send(command);
    }) as typeof rt.clients.dynamo.send);
    const key = 'atih/2022/mo-2022.csv';
    await put(key, extract(2022));
    await embedded.drain();

    expect(timedOut).toBe(true);
    expect(embedded.deadLetters()).toEqual([]);
    expect(await monthlyUnits(2022)).toEqual(EXPECTED_FACTS);
    expect(await moShares(2022)).toEqual(EXPECTED_SHARES);
    expect((await rt.fileEvents.list(key))[0]).toMatchObject({ status: 'accepted', attempts: 2, lastError: 'TimeoutError: Connection timed out after 1000 ms' });
  });
});

describe('a poison message', () => {
  it('fails alone: the good message of the same batch is processed, and the account says what the bad one was', async () => {
    const ingest = await import('../../functions/ingest/handler');
    const key = 'atih/2025/mo-2025.csv';
    await put(key, extract(2025));
    const good = JSON.stringify({
      Records: [
        {
          eventName: 'ObjectCreated:Put',
          eventTime: '2027-01-01T00:00:00.000Z',
          s3: { bucket: { name: embedded.runtime.objects.bucket }, object: { key, size: 1, eTag: (await embedded.runtime.objects.etag(key))!, sequencer: 'FF' } },
        },
      ],
    });
    const poison = '{"Records": [ {"eventName": "ObjectCreated:Put", "s3": ';
    const failed = await invokeSqsHandler(ingest.handler, 'caqes-ingest', [poison, good]);
    expect([...failed]).toEqual([0]);
    const records = await embedded.runtime.fileEvents.list(key);
    expect(records.map((r) => r.status)).toContain('accepted');

    const [cause] = await deadLetterCauses([{ queue: 'ingest', body: poison, receiveCount: 5 }], embedded.runtime.fileEvents);
    expect(renderDeadLetterCause(cause!)).toBe('message illisible (ce n’est pas une notification S3) (file ingest, 5 réception(s))');
    const [compute] = await deadLetterCauses([{ queue: 'compute', body: '{"region":"PACA","year":2025}', receiveCount: 5 }], embedded.runtime.fileEvents);
    expect(compute?.subject).toBe('calcul PACA 2025');
    await embedded.drain();
  });

  it('in a batch of computations, fails alone while the region asked twice is computed once for both', async () => {
    const compute = await import('../../functions/compute/handler');
    const rt = embedded.runtime;
    const computations = vi.spyOn(rt.results, 'replace');
    const failed = await invokeSqsHandler(compute.handler, 'caqes-compute', ['{"region":"PACA","year":2025,"indicators":["MO"]}', '{"region":', '{"region":"PACA","year":2025}']);
    expect([...failed]).toEqual([1]);
    // One computation of every indicator (the union of the two requests), not two.
    expect(computations).toHaveBeenCalledTimes(1);
    expect(computations.mock.calls[0]?.[3]).toBeUndefined();
    expect(await moShares(2025)).toEqual(EXPECTED_SHARES);
  });
});
