/**
 * Regions are tenants (issue 25): one deployment serves every region, so a region's referential,
 * targeting, objectives, calendar or parameters file replaces that region's data and only that.
 * Loaded first: the sample's referential (PACA and Corse) and its 2025 ATIH extract.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbedded, type Embedded } from '../../lib/local/embedded';
import { ValidationReport } from '../../lib/formats/report';
import { s3Keys } from '../../lib/store/keys';

const SAMPLE = 'events/sample';
const SAMPLE_FILES = [
  'referential/etablissements.csv',
  'referential/ciblage-2025.csv',
  'referential/objectifs-2025.csv',
  'referential/calendrier-2025.csv',
  'referential/parametres-2025.csv',
  'atih/2025/mo-2025-paca-corse.csv',
];
const HEADER = 'finess;finess_juridique;raison_sociale;region;categorie;contrat;emails';

let embedded: Embedded;
let referentialLines: string[];

async function put(key: string, body: string | Buffer): Promise<void> {
  const rt = embedded.runtime;
  await rt.clients.s3.send(new PutObjectCommand({ Bucket: rt.objects.bucket, Key: key, Body: body }));
  await embedded.drain();
}

async function report(key: string): Promise<ValidationReport> {
  const rt = embedded.runtime;
  const record = (await rt.fileEvents.list(key)).at(-1)!;
  return ValidationReport.parse(JSON.parse((await rt.objects.readBuffer(record.reportKey!)).toString("utf8")));
}

async function moTargeted(region: string): Promise<string[]> {
  const results = await embedded.runtime.results.list(region, 2025);
  return results.filter((r) => r.indicator === 'MO' && r.scope === 'site' && r.status !== 'not_targeted').flatMap((r) => r.finess ?? []).sort();
}

async function sites(region: string): Promise<string[]> {
  return (await embedded.runtime.referential.listEstablishments(region)).map((e) => e.finess).sort();
}

const regionRows = (region: string) => referentialLines.filter((l) => l.split(';')[3] === region);

beforeAll(async () => {
  embedded = await startEmbedded();
  referentialLines = iconv.decode(await readFile(join(SAMPLE, 'referential/etablissements.csv')), 'win1252').split(/\r?\n/).slice(1).filter(Boolean);
  for (const key of SAMPLE_FILES) await put(key, await readFile(join(SAMPLE, key)));
}, 120_000);

afterAll(async () => {
  await embedded?.stop();
});

// The sample's ciblage-2025.csv: 8 PACA sites and 4 Corse sites targeted on MO.
const PACA_MO = ['040006017', '060002011', '130004013', '130780018', '130780026', '130783012', '830100012', '840001010'];
const CORSE_MO = ['2A0000717', '2A0000915', '2B0000814', '2B0001010'];

describe('a region’s referential replaces that region’s establishments only', () => {
  it('starts from the sample: 9 PACA and 4 Corse establishments, 8 and 4 targeted on MO in 2025', async () => {
    expect(await sites('PACA')).toHaveLength(9);
    expect(await sites('CORSE')).toEqual(CORSE_MO);
    expect(await moTargeted('PACA')).toEqual(PACA_MO);
    expect(await moTargeted('CORSE')).toEqual(CORSE_MO);
  });

  it('a referential holding only Corse’s 4 establishments leaves every PACA establishment and its 2025 MO results', async () => {
    const corse = regionRows('Corse');
    expect(corse).toHaveLength(4);
    // Corse drops one of its sites: removing an establishment is done by its region's own file.
    await put('referential/etablissements-corse.csv', [HEADER, ...corse.slice(0, 3), ''].join('\n'));
    expect((await report('referential/etablissements-corse.csv')).notes).toContain('Ce fichier remplace les données de la région CORSE, et rien d’autre.');
    expect(await sites('PACA')).toHaveLength(9);
    expect(await moTargeted('PACA')).toEqual(PACA_MO);
    expect(await sites('CORSE')).toEqual(['2A0000717', '2A0000915', '2B0000814']);
    // Corse's log says what its file changed; PACA's hears nothing of it.
    const audit = embedded.runtime.audit;
    const logged = async (region: string) => (await audit.list(region, '2000-01-01T00:00:00.000Z', '2100-01-01T00:00:00.000Z')).filter((e) => e.action === 'referential.establishments');
    expect((await logged('CORSE'))[0]).toMatchObject({ before: { etablissements: 4 }, after: { etablissements: 3 } });
    expect(await logged('PACA')).toHaveLength(1);
  });

  it('and the reverse: PACA’s own file leaves Corse as it was', async () => {
    await put('referential/etablissements-paca.csv', [HEADER, ...regionRows('PACA'), ''].join('\n'));
    expect(await sites('CORSE')).toEqual(['2A0000717', '2A0000915', '2B0000814']);
    expect(await moTargeted('CORSE')).toEqual(['2A0000717', '2A0000915', '2B0000814']);
    expect(await sites('PACA')).toHaveLength(9);
    expect(await moTargeted('PACA')).toEqual(PACA_MO);
  });

  it('a targeting of Corse’s sites only leaves PACA’s targeting', async () => {
    await put('referential/ciblage-2025.csv', ['finess;indicateur', '2A0000717;MO', ''].join('\n'));
    expect(await moTargeted('CORSE')).toEqual(['2A0000717']);
    expect(await moTargeted('PACA')).toEqual(PACA_MO);
    expect((await embedded.runtime.referential.listTargetings('PACA', 2025)).length).toBe(20);
  });

  it('objectives and parameters of one region replace that region’s rows only', async () => {
    await put('referential/objectifs-2025.csv', ['indicateur;region;finess;comparateur;cible', 'MO;CORSE;;<;12', ''].join('\n'));
    const objectives = (await embedded.runtime.referential.listObjectives()).filter((o) => o.year === 2025);
    // The sample's PACA rows (the region and three establishments) stay; Corse's < 10 % became < 12 %.
    expect(objectives.filter((o) => o.region === 'PACA')).toHaveLength(4);
    expect(objectives.filter((o) => o.region === 'CORSE')).toEqual([{ year: 2025, indicator: 'MO', region: 'CORSE', finess: null, comparator: '<', target: 12 }]);
    await put('referential/parametres-2025.csv', ['parametre;region;valeur', 'budget_dmi;CORSE;30 000', ''].join('\n'));
    const sets = (await embedded.runtime.referential.listParameters()).filter((p) => p.year === 2025);
    expect(sets.find((s) => s.region === 'PACA')?.values.budget_dmi).toBe(210550.97);
    expect(sets.find((s) => s.region === 'CORSE')?.values).toEqual({ budget_dmi: 30000 });
    // The rows for every region (regle_dmi, facteur_saut_montant…) were not in this file: they stay.
    expect(sets.find((s) => s.region === null)?.values.regle_dmi).toBe('points_x_dmi');
  });
});

describe('a file sent from an OMéDIT’s inputs page changes its region only', () => {
  const key = (name: string, id: string) => s3Keys.regionalInput('referential', null, 'CORSE', id, name);

  it('refuses a Corse referential with a PACA row, naming the row and the region, and changes nothing', async () => {
    const k = key('etablissements.csv', 'u1');
    await put(k, [HEADER, regionRows('Corse')[0], regionRows('PACA')[0], ''].join('\n'));
    const r = await report(k);
    expect(r.status).toBe('rejected');
    expect(r.issues).toContainEqual(expect.objectContaining({
      code: 'wrong-region',
      row: 3,
      column: 'region',
      message: 'Ligne d’une autre région que celle de ce dépôt : « PACA » (ce dépôt est pour CORSE). Un fichier envoyé pour une région ne peut changer que les données de cette région.',
    }));
    expect(await sites('PACA')).toHaveLength(9);
    expect(await sites('CORSE')).toHaveLength(3);
  });

  it('refuses a Corse targeting naming a PACA site', async () => {
    const k = key('ciblage-2025.csv', 'u2');
    await put(k, ['finess;indicateur', '2B0000814;MO', '130780018;MO', ''].join('\n'));
    const r = await report(k);
    expect(r.issues.map((i) => [i.code, i.row, i.column, i.message])).toContainEqual([
      'wrong-region',
      3,
      'finess',
      'Ligne d’une autre région que celle de ce dépôt : « 130780018 » (établissement de PACA ; ce dépôt est pour CORSE). Un fichier envoyé pour une région ne peut changer que les données de cette région.',
    ]);
    expect(await moTargeted('PACA')).toEqual(PACA_MO);
  });

  it('reads a calendar sent for Corse as Corse’s own: PACA keeps the shared one', async () => {
    const k = key('calendrier-2025.csv', 'u3');
    await put(k, ['campagne;echeance;date;indicateur;documents;libelle', '2025-S2;retour_preuves;16/03/2026;MO;plan_actions;Retour des preuves (Corse)', ''].join('\n'));
    expect((await report(k)).status).toBe('accepted');
    const rt = embedded.runtime;
    expect((await rt.referential.listDeadlines('CORSE')).map((d) => [d.id, d.date])).toEqual([['retour_preuves', '2026-03-16']]);
    expect((await rt.referential.listDeadlines('PACA')).length).toBeGreaterThan(1);
    expect((await rt.referential.listDeadlines('PACA')).some((d) => d.label.includes('Corse'))).toBe(false);
  });

  it('takes from a national extract sent for Corse only Corse’s facts', async () => {
    const k = s3Keys.regionalInput('atih', 2025, 'CORSE', 'u4', 'mo-2025.csv');
    await put(k, ['finess;annee;ucd;code_indication;nb_ucd;montant', '2A0000717;2025;9412631;I999;5;50', '130780018;2025;9412631;I999;7;70', ''].join('\n'));
    const r = await report(k);
    expect(r.status).toBe('accepted');
    expect(r.issues).toContainEqual(expect.objectContaining({ code: 'unknown-finess', value: '130780018', severity: 'warning' }));
    const paca = await embedded.runtime.facts.listMoFacts('PACA', 2025);
    expect(paca.filter((f) => f.finess === '130780018').every((f) => f.source.key !== k)).toBe(true);
    const corse = await embedded.runtime.facts.listMoFacts('CORSE', 2025);
    expect(corse.filter((f) => f.source.key === k).map((f) => f.finess)).toEqual(['2A0000717']);
  });
});
