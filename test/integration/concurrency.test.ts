/**
 * 200 establishments uploading their evidence at once while the ATIH extract arrives, processed
 * by concurrent invocations as Lambda would run them: every file gets its report and every
 * indicator ends as a sequential run leaves it.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { withFinessKey } from '../../lib/domain/finess';
import { startEmbedded, type Embedded } from '../../lib/local/embedded';

const COUNT = 200;
const SITES = Array.from({ length: COUNT }, (_, i) => withFinessKey(`130${String(10000 + i).padStart(5, '0')}`));
const CLOCK = new Date('2026-02-02T09:00:00.000Z');

const REFERENTIAL: Record<string, string> = {
  'referential/etablissements.csv': [
    'finess;finess_juridique;raison_sociale;region;categorie;contrat;emails',
    // Contracts of two sites: a contract's value sums both, whichever upload came first.
    ...SITES.map((f, i) => `${f};${withFinessKey('13000000')};Centre hospitalier ${i + 1};PACA;ex-DG;C${Math.floor(i / 2)};pui${i + 1}@ch.example`),
    '',
  ].join('\n'),
  'referential/ciblage-2025.csv': ['finess;indicateur', ...SITES.flatMap((f) => [`${f};MO`, `${f};PHARMACIE_CLINIQUE`]), ''].join('\n'),
  'referential/calendrier-2025.csv': [
    'campagne;echeance;date;indicateur;documents;libelle',
    '2025-S2;retour_preuves;09/03/2026;PHARMACIE_CLINIQUE;autodiagnostic_pharmacie_clinique;Retour des éléments de preuve du semestre 2',
    '',
  ].join('\n'),
};

/** Each site's upload: its self-assessment, except every seventh sends an executable, which is refused. */
function uploads(): Record<string, string> {
  const files: Record<string, string> = {};
  SITES.forEach((f, i) => {
    if (i % 7 === 3) files[`evidence/2025-S2/${f}/autodiagnostic_pharmacie_clinique/u${i}-autodiag.exe`] = 'MZ binary';
    else files[`evidence/2025-S2/${f}/autodiagnostic_pharmacie_clinique/u${i}-autodiag.pdf`] = `%PDF-1.4\n% autodiagnostic ${i}\n%%EOF\n`;
  });
  const extract = ['finess;annee;mois;ucd;code_indication;nb_ucd;montant'];
  SITES.forEach((f, i) => {
    for (let month = 1; month <= 12; month++) extract.push(`${f};2025;${month};9412631;I999;${i % 30};${(i % 30) * 40}`, `${f};2025;${month};9412631;I000125;${100 - (i % 30)};${(100 - (i % 30)) * 40}`);
  });
  files['atih/2025/mo-2025.csv'] = extract.join('\n') + '\n';
  return files;
}

/** What the run left: every file's outcome and report, the indicators, the evidence (without event orders, which differ). */
async function outcome(embedded: Embedded, keys: string[]) {
  const rt = embedded.runtime;
  const { objects } = rt;
  const files: Record<string, string> = {};
  for (const key of keys) {
    const events = await rt.fileEvents.list(key);
    const reportKey = events[0]?.reportKey;
    const report = reportKey ? JSON.parse((await objects.readBuffer(reportKey)).toString('utf8')) : null;
    files[key] = `${events.map((e) => e.status).join(',')}:${report?.status ?? 'no report'}:${report?.errorCount ?? '-'}`;
  }
  const results = await rt.results.list('PACA', 2025);
  const evidence = (await rt.evidence.list('PACA', '2025-S2')).map((e) => `${e.finess}:${e.kind}:${e.fileName}:${e.status}:${e.receivedAt}`).sort();
  return { files, results, evidence };
}

async function run(put: (embedded: Embedded, files: Record<string, string>) => Promise<void>) {
  const embedded = await startEmbedded();
  try {
    embedded.setClock(() => CLOCK);
    for (const [key, body] of Object.entries(REFERENTIAL)) await putOne(embedded, key, body);
    await embedded.drain();
    const referential = await outcome(embedded, Object.keys(REFERENTIAL));
    expect(Object.values(referential.files)).toEqual(['accepted:accepted:0', 'accepted:accepted:0', 'accepted:accepted:0']);
    const files = uploads();
    await put(embedded, files);
    return { outcome: await outcome(embedded, Object.keys(files)), deadLetters: embedded.deadLetters().length };
  } finally {
    await embedded.stop();
  }
}

async function putOne(embedded: Embedded, key: string, body: string): Promise<void> {
  const rt = embedded.runtime;
  await rt.clients.s3.send(new PutObjectCommand({ Bucket: rt.objects.bucket, Key: key, Body: body }));
}

let sequential: Awaited<ReturnType<typeof run>>;
let concurrent: Awaited<ReturnType<typeof run>>;

beforeAll(async () => {
  // One file after the other, then processed one invocation at a time, in the order they came.
  sequential = await run(async (embedded, files) => {
    for (const [key, body] of Object.entries(files)) await putOne(embedded, key, body);
    await embedded.drain({ concurrency: 1 });
  });
  // The extract in the middle of the evidence, all sent at once, 16 invocations at a time.
  concurrent = await run(async (embedded, files) => {
    const entries = Object.entries(files);
    const extract = entries.findIndex(([key]) => key.startsWith('atih/'));
    entries.splice(COUNT / 2, 0, ...entries.splice(extract, 1));
    await Promise.all(entries.map(([key, body]) => putOne(embedded, key, body)));
    await embedded.drain({ concurrency: 16 });
  });
}, 300_000);

describe('200 establishments uploading at once, an extract arriving among them', () => {
  it('gives every file its report: the self-assessments accepted, the executables refused, the extract accepted', () => {
    const refused = SITES.filter((_, i) => i % 7 === 3).length;
    const statuses = Object.values(concurrent.outcome.files);
    expect(statuses).toHaveLength(COUNT + 1);
    expect(statuses.filter((s) => s === 'accepted:accepted:0')).toHaveLength(COUNT - refused + 1);
    expect(statuses.filter((s) => /^rejected:rejected:[1-9]/.test(s))).toHaveLength(refused);
    expect(concurrent.deadLetters).toBe(0);
  });

  it('ends with the same reports, evidence and indicators as a sequential run', () => {
    expect(concurrent.outcome.files).toEqual(sequential.outcome.files);
    expect(concurrent.outcome.evidence).toEqual(sequential.outcome.evidence);
    expect(concurrent.outcome.results).toEqual(sequential.outcome.results);
  });

  it('computed every site and contract of both indicators', () => {
    const results = concurrent.outcome.results;
    expect(results.filter((r) => r.indicator === 'MO' && r.scope === 'site' && r.value !== null)).toHaveLength(COUNT);
    expect(results.filter((r) => r.indicator === 'MO' && r.scope === 'contract')).toHaveLength(COUNT / 2);
    const documents = results.filter((r) => r.indicator === 'PHARMACIE_CLINIQUE' && r.scope === 'site');
    expect(documents).toHaveLength(COUNT);
    expect(documents.filter((r) => r.status === 'met')).toHaveLength(COUNT - SITES.filter((_, i) => i % 7 === 3).length);
  });
});
