/**
 * Writes the synthetic sample region of `events/sample` (run: `npx tsx events/make-sample.ts`).
 * Every name and number is invented; the layouts are those of shared/formats.md. Seeded, so the
 * same files come out each time.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { DEFAULT_NEUTRALISED } from '../lib/domain/catalogue';
import { withFinessKey } from '../lib/domain/finess';
import type { IndicatorCode } from '../lib/domain/schemas';

const root = join(dirname(fileURLToPath(import.meta.url)), 'sample');

interface Site {
  finess: string;
  juridique: string;
  name: string;
  region: 'PACA' | 'CORSE';
  categorie: 'ex-DG' | 'ex-OQN';
  contrat: string;
  email: string;
  /** Intended I999 share (%) per year: the generator allocates UCD to come close to it. */
  share: Record<number, number>;
  scale: number;
  indicators: string[];
}

const f = withFinessKey;
const sites: Site[] = [
  { finess: f('13078001'), juridique: f('13078000'), name: 'Hôpitaux Universitaires de Marseille – site Timone (fictif)', region: 'PACA', categorie: 'ex-DG', contrat: 'CAQES-PACA-001', email: 'pharmacie.timone@hum-fictif.example', share: { 2024: 19.2, 2025: 18.1 }, scale: 9, indicators: ['MO', 'DMI', 'PHARMACIE_CLINIQUE', 'IPP'] },
  { finess: f('13078002'), juridique: f('13078000'), name: 'Hôpitaux Universitaires de Marseille – site Nord (fictif)', region: 'PACA', categorie: 'ex-DG', contrat: 'CAQES-PACA-001', email: 'pharmacie.nord@hum-fictif.example', share: { 2024: 21.5, 2025: 23.4 }, scale: 5, indicators: ['MO', 'DMI'] },
  { finess: f('13078301'), juridique: f('13078300'), name: 'Institut de Cancérologie du Midi (fictif)', region: 'PACA', categorie: 'ex-DG', contrat: 'CAQES-PACA-002', email: 'pharmacie@icm-fictif.example', share: { 2024: 20.6, 2025: 19.3 }, scale: 7, indicators: ['MO', 'PHARMACIE_CLINIQUE'] },
  { finess: f('83010001'), juridique: f('83010000'), name: 'Centre Hospitalier de Toulon-Rade (fictif)', region: 'PACA', categorie: 'ex-DG', contrat: 'CAQES-PACA-003', email: 'pui@ch-toulon-rade.example', share: { 2024: 13.1, 2025: 12.4 }, scale: 4, indicators: ['MO', 'PERFADOM', 'TRANSPORTS'] },
  { finess: f('84000101'), juridique: f('84000100'), name: 'Centre Hospitalier du Comtat (fictif)', region: 'PACA', categorie: 'ex-DG', contrat: 'CAQES-PACA-004', email: 'pharmacie@ch-comtat.example', share: { 2024: 16.2, 2025: 17.5 }, scale: 3, indicators: ['MO', 'IPP'] },
  { finess: f('06000201'), juridique: f('06000200'), name: 'Centre Hospitalier de la Riviera (fictif)', region: 'PACA', categorie: 'ex-DG', contrat: 'CAQES-PACA-005', email: 'pharmacie@ch-riviera.example', share: { 2024: 14.8, 2025: 14.2 }, scale: 4, indicators: ['MO', 'BIOSIMILAIRES'] },
  { finess: f('13000401'), juridique: f('13000400'), name: 'Clinique des Calanques (fictive)', region: 'PACA', categorie: 'ex-OQN', contrat: 'CAQES-PACA-006', email: 'direction@clinique-calanques.example', share: { 2024: 9.5, 2025: 11.2 }, scale: 2, indicators: ['MO', 'IPP', 'TRANSPORTS'] },
  { finess: f('05000501'), juridique: f('05000500'), name: 'Centre Hospitalier des Alpes du Sud (fictif)', region: 'PACA', categorie: 'ex-DG', contrat: 'CAQES-PACA-007', email: 'pharmacie@ch-alpes-sud.example', share: { 2024: 16.9, 2025: 18.3 }, scale: 1, indicators: ['IPP'] },
  { finess: f('04000601'), juridique: f('04000600'), name: 'Centre Hospitalier de Haute-Provence (fictif)', region: 'PACA', categorie: 'ex-DG', contrat: 'CAQES-PACA-008', email: 'pharmacie@ch-haute-provence.example', share: { 2024: 12.0, 2025: 15.6 }, scale: 1, indicators: ['MO'] },
  { finess: f('2A000071'), juridique: f('2A000070'), name: 'Centre Hospitalier d’Ajaccio-Cyrnos (fictif)', region: 'CORSE', categorie: 'ex-DG', contrat: 'CAQES-CORSE-001', email: 'pharmacie@ch-cyrnos.example', share: { 2024: 9.1, 2025: 8.7 }, scale: 3, indicators: ['MO', 'DMI', 'PHARMACIE_CLINIQUE'] },
  { finess: f('2B000081'), juridique: f('2B000080'), name: 'Centre Hospitalier de Bastia-Golo (fictif)', region: 'CORSE', categorie: 'ex-DG', contrat: 'CAQES-CORSE-002', email: 'pharmacie@ch-golo.example', share: { 2024: 10.4, 2025: 11.8 }, scale: 2, indicators: ['MO', 'DMI'] },
  { finess: f('2A000091'), juridique: f('2A000090'), name: 'Clinique du Golfe (fictive)', region: 'CORSE', categorie: 'ex-OQN', contrat: 'CAQES-CORSE-003', email: 'pharmacie@clinique-golfe.example', share: { 2024: 6.3, 2025: 7.9 }, scale: 1, indicators: ['MO', 'IPP'] },
  { finess: f('2B000101'), juridique: f('2B000100'), name: 'Centre Hospitalier de Balagne (fictif)', region: 'CORSE', categorie: 'ex-DG', contrat: 'CAQES-CORSE-004', email: 'pharmacie@ch-balagne.example', share: { 2024: 8.8, 2025: 9.4 }, scale: 1, indicators: ['MO'] },
];
const [timone, nord, icm, toulon, comtat, riviera, calanques, , , cyrnos, golo, golfe] = sites as [Site, Site, Site, Site, Site, Site, Site, Site, Site, Site, Site, Site];

/** Liste en sus medicines (invented UCD codes, 13 digits starting 340093 or 7 digits). */
const medicines = [
  { ucd: '3400893826631', libelle: 'RITUXIMAB 500MG/50ML INJ', price: 873.4 },
  { ucd: '3400934214437', libelle: 'BEVACIZUMAB 400MG/16ML INJ', price: 1192.7 },
  { ucd: '9412631', libelle: 'IMMUNOGLOBULINE HUMAINE 10G/100ML', price: 512.0 },
  { ucd: '3400893993890', libelle: 'PEMBROLIZUMAB 100MG/4ML INJ', price: 2610.0 },
  { ucd: '9385412', libelle: 'TRASTUZUMAB 150MG PDRE', price: 402.9 },
  { ucd: '3400934059809', libelle: 'DARATUMUMAB 1800MG/15ML INJ', price: 4860.5 },
  { ucd: '9396237', libelle: 'AZACITIDINE 100MG PDRE (générique)', price: 233.15 },
];
const INDICATIONS = ['I000125', 'I000313', 'I000487', 'I000592'];

let seed = 20260204;
function random(): number {
  // Park–Miller: enough for repeatable sample data.
  seed = (seed * 48271) % 2147483647;
  return seed / 2147483647;
}

const fr = (n: number, decimals: number) => n.toFixed(decimals).replace('.', ',');

/** Haute-Provence's 2025 amounts are valued five times too high: the kind of jump the MO anomalies flag. */
const AMOUNT_ERROR = { finess: f('04000601'), year: 2025, factor: 5 };

function moRows(year: number): string[][] {
  const rows: string[][] = [];
  const outsider = { finess: f('75010001'), share: { [year]: 12 }, scale: 2 };
  for (const site of [...sites, outsider]) {
    const share = (site.share[year] ?? 10) / 100;
    const valued = site.finess === AMOUNT_ERROR.finess && year === AMOUNT_ERROR.year ? AMOUNT_ERROR.factor : 1;
    for (let month = 1; month <= 12; month++) {
      for (const med of medicines) {
        const total = Math.round(site.scale * (10 + random() * 30));
        const i999 = Math.round(total * share * (0.85 + random() * 0.3));
        const i997 = Math.round((total - i999) * 0.1 * random());
        const rest = total - i999 - i997;
        const lines: [string, number][] = [
          ['I999', i999],
          ['I997001', i997],
          [INDICATIONS[Math.floor(random() * INDICATIONS.length)]!, rest],
        ];
        for (const [code, count] of lines) {
          if (count <= 0) continue;
          rows.push([site.finess, String(year), String(month), med.ucd, med.libelle, code, String(count), fr(count * med.price * valued, 2)]);
        }
      }
    }
  }
  // Coding anomalies in Bastia-Golo's year: a line with no indication, one with a malformed code.
  rows.push([golo.finess, String(year), '6', '9412631', 'IMMUNOGLOBULINE HUMAINE 10G/100ML', '', '3', fr(3 * 512, 2)]);
  rows.push([golo.finess, String(year), '7', '9412631', 'IMMUNOGLOBULINE HUMAINE 10G/100ML', 'I99', '2', fr(2 * 512, 2)]);
  return rows;
}

/** A real argument for most lines; one line also declared AMM miroir (to recode I997), one excluded. */
const ARGUMENTS = ['Décision de RCP du 14/10/2025', 'PNDS, avis du centre de référence', 'Purpura thrombopénique réfractaire, RCP'];

/**
 * An argumentation covering every I999 UCD ATIH shows for a site in S2 (months 7-12), one line per
 * UCD with the units ATIH counts: the share argued is measured against ATIH, not the file's lines.
 */
function argumentedS2(finess: string, rows: readonly string[][]): string[][] {
  const units = new Map<string, { libelle: string; units: number }>();
  for (const [site, , month, ucd, libelle, code, count] of rows) {
    if (site !== finess || Number(month) < 7 || code !== 'I999') continue;
    const u = units.get(ucd!) ?? { libelle: libelle!, units: 0 };
    u.units += Number(count);
    units.set(ucd!, u);
  }
  return [...units].map(([ucd, u], i) => [finess, ucd, u.libelle, 'I999', String(u.units), ARGUMENTS[i % ARGUMENTS.length]!, i === 0 ? 'I997001' : '', i === 1 ? 'oui' : 'non']);
}

/** CPAM values per site and indicator: [numerator, denominator, CPAM value, reference]. */
function cpamRows(year: number): string[][] {
  const rows: string[][] = [];
  const growth = (site: Site, indicator: string, amount: number, change: number, withReference: boolean) =>
    rows.push([site.finess, indicator, String(year), fr(amount, 2), '', '', withReference ? fr(amount / (1 + change), 2) : '']);
  for (const site of sites) {
    const k = site.scale * (year - 2020);
    for (const indicator of site.indicators) {
      // Le Comtat's 2025 growth has no CPAM reference: it is measured against its 2024 value.
      if (indicator === 'IPP' && site !== timone && site !== golfe) growth(site, 'IPP', 40_000 + k * 1000, site === comtat ? 0.071 : 0.021, year === 2025 && site !== comtat);
      if (indicator === 'PERFADOM') growth(site, 'PERFADOM', 180_000 + k * 2000, 0.035, true);
      if (indicator === 'TRANSPORTS') growth(site, 'TRANSPORTS', 610_000 + k * 5000, site === calanques ? 0.09 : 0.012, true);
      if (indicator === 'BIOSIMILAIRES') rows.push([site.finess, 'BIOSIMILAIRES', `${year}-S1`, String(312 + k), String(540 + k), '', ''], [site.finess, 'BIOSIMILAIRES', `${year}-S2`, String(355 + k), String(560 + k), '', '']);
    }
  }
  // The university hospital's IPP spending is known to CPAM for the legal entity only (both sites).
  rows.push([timone.juridique, 'IPP', String(year), fr(95_000 + year, 2), '', '', year === 2025 ? fr(93_500, 2) : '']);
  // A CPAM value that does not agree with its numerator (an amount: the value is the numerator itself).
  rows.push([golfe.finess, 'IPP', String(year), fr(41_200 + year, 2), '', year === 2025 ? fr(42_000, 2) : '', year === 2025 ? fr(40_100, 2) : '']);
  return rows;
}

const csv = (rows: string[][]) => rows.map((r) => r.join(';')).join('\r\n') + '\r\n';

const PHMEV_HEADER =
  'atc1;l_atc1;atc2;L_ATC2;atc3;L_ATC3;atc4;L_ATC4;ATC5;L_ATC5;CIP13;l_cip13;TOP_GEN;GEN_NUM;age;SEXE;etb_rgt;categorie_jur;categorie_jur_rgt;code_postal;nom_etb;nom_ville;nom_voie;numero_voie;raison_sociale_etb;top_etb_age;top_etb_sexe;region_etb;BOITES;REM;BSE'.split(';');

/** Open PHMEV lines (public establishments only, as published), by legal entity, in the published layout. */
function phmevRows(year: number): string[][] {
  const rows: string[][] = [];
  const growth = year === 2025 ? 1.03 : 1;
  const line = (site: Site, atc4: string, atc5: string, label: string, cip: string, pack: string, topGen: string, genNum: string, boxes: number, rem: number) => [
    atc4.slice(0, 1), 'LIBELLE ATC1', atc4.slice(0, 3), 'LIBELLE ATC2', atc4.slice(0, 4), 'LIBELLE ATC3', atc4, 'LIBELLE ATC4', atc5, label, cip, pack, topGen, genNum,
    '60', '2', site.juridique, 'ch', 'CH', '13000', site.name.toUpperCase(), 'MARSEILLE', 'DE LA REPUBLIQUE', '1', site.name.toUpperCase(), '1', '1',
    site.region === 'CORSE' ? '94' : '93', String(boxes), fr(rem, 2), fr(rem * 1.08, 2),
  ];
  for (const site of sites.filter((x) => x.categorie === 'ex-DG' && x.finess !== nord.finess)) {
    const k = site.scale * growth;
    rows.push(line(site, 'A02BC', 'A02BC02', 'PANTOPRAZOLE', '3400930000014', 'PANTOPRAZOLE VIATRIS 20MG CPR 28', '1', '1085', Math.round(120 * k), 480 * k * (site === comtat ? 1.1 : 1)));
    rows.push(line(site, 'C10AA', 'C10AA05', 'ATORVASTATINE', '3400930000021', 'ATORVASTATINE BIOGARAN 40MG CPR 30', '1', '1213', Math.round(300 * k), 2650 * k));
    rows.push(line(site, 'B01AF', 'B01AF02', 'APIXABAN', '3400930000038', 'ELIQUIS 5MG CPR 60', '4', '0', Math.round(150 * k), 8400 * k));
    rows.push(line(site, 'B01AC', 'B01AC06', 'ACETYLSALICYLIQUE ACIDE', '3400930000045', 'KARDEGIC 75MG PDR ORALE SACHET 30', '0', '0', Math.round(400 * k), 980 * k));
    rows.push(line(site, 'B01AB', 'B01AB05', 'ENOXAPARINE', '3400930000052', 'INHIXA 4000UI AXA/0,4ML INJ SER 6', 'B', '0', Math.round(40 * k), 310 * k));
    rows.push(line(site, 'B01AB', 'B01AB05', 'ENOXAPARINE', '3400930000069', 'LOVENOX 4000UI AXA/0,4ML INJ SER 6', 'C', '0', Math.round(60 * k), 520 * k));
    rows.push(line(site, '0', '0000000', 'Honoraires de dispensation', '0', 'Honoraires de dispensation', '0', '0', 0, 3100 * k));
  }
  return rows;
}

async function write(path: string, content: string | Buffer): Promise<void> {
  const full = join(root, path);
  await mkdir(dirname(full), { recursive: true });
  await writeFile(full, content);
}

const MINIMAL_PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
  'latin1',
);

async function main(): Promise<void> {
  await rm(root, { recursive: true, force: true });

  await write(
    'referential/etablissements.csv',
    iconv.encode(
      csv([
        ['finess', 'finess_juridique', 'raison_sociale', 'region', 'categorie', 'contrat', 'emails'],
        ...sites.map((s) => [s.finess, s.juridique, s.name, s.region === 'CORSE' ? 'Corse' : 'PACA', s.categorie, s.contrat, s.email]),
      ]),
      'win1252',
    ),
  );
  for (const year of [2024, 2025]) {
    await write(
      `referential/ciblage-${year}.csv`,
      // OMéDIT's copy of the ARS's neutralisation list (IDF FAQ): the ex-OQN clinics, on their PHEV indicators.
      csv([['finess', 'indicateur', 'neutralisation'], ...sites.flatMap((s) => s.indicators.map((i) => [s.finess, i, s.categorie === 'ex-OQN' && DEFAULT_NEUTRALISED.includes(i as IndicatorCode) ? 'oui' : '']))]),
    );
    await write(
      `referential/objectifs-${year}.csv`,
      csv([
        ['indicateur', 'region', 'finess', 'comparateur', 'cible'],
        ['MO', 'PACA', '', '<', '15'],
        ['MO', 'CORSE', '', '<', '10'],
        ['MO', 'PACA', timone.finess, '<', '20'],
        ['MO', 'PACA', nord.finess, '<', '20'],
        ['MO', 'PACA', icm.finess, '<', '20'],
        // OMéDIT's own choice for the sample, not a seed's target: the 2017 +4,0 % taken as the IPP objective.
        ['IPP', '', '', '<=', '4'],
      ]),
    );
  }
  for (const year of [2024, 2025]) {
    // The seed's 2024 amounts (webinar of 04/02/2026), taken again for 2025 until OMéDIT sets them.
    await write(
      `referential/parametres-${year}.csv`,
      csv([
        ['parametre', 'region', 'valeur'],
        ['budget_interessement_mo', 'PACA', '126 331'],
        ['budget_interessement_mo', 'CORSE', '20 576'],
        ['regle_interessement_mo', '', 'prorata_montant'],
        ['budget_dmi', 'PACA', '210 550,97'],
        ['budget_dmi', 'CORSE', '27 433'],
        ['regle_dmi', '', 'points_x_dmi'],
        ['facteur_saut_montant', '', '3'],
        ['emails_omedit', 'PACA', 'omedit-paca@ars-fictive.example'],
        ['emails_omedit', 'CORSE', 'omedit-corse@ars-fictive.example'],
      ]),
    );
    await write(`cpam/${year}/phev-${year}-paca-corse.csv`, csv([['finess', 'indicateur', 'periode', 'numerateur', 'denominateur', 'valeur', 'valeur_reference'], ...cpamRows(year)]));
    // Open PHMEV as the Assurance Maladie publishes it: Windows-1252, the 31 columns.
    await write(`cpam/${year}/OPEN_PHMEV_${year}.CSV`, iconv.encode(csv([PHMEV_HEADER, ...phmevRows(year)]), 'win1252'));
  }
  // The PMSI's implantable devices of 2025, stay by stay, LPP codes with their leading blank.
  await write(
    'atih/2025/fichcomp-dmi-2025.csv',
    csv([
      ['ETA_NUM', 'RSA_NUM', 'ANN', 'MOI', 'LPP_COD', 'NBR_POS', 'NBR_POS_PRI', 'DAT_POS_ANN', 'MOI_POS'],
      ...[timone, nord, cyrnos, golo].flatMap((site, s) =>
        Array.from({ length: 4 + s * 3 }, (_, i) => [site.finess, String(1000 * s + i), '2025', String(1 + (i % 12)), ' 3110034', String(1 + (i % 3)), fr((1 + (i % 3)) * 1520, 2), '2025', String(1 + (i % 12))]),
      ),
    ]),
  );
  await write(
    'referential/calendrier-2025.csv',
    '\ufeff' +
      csv([
        ['campagne', 'echeance', 'date', 'indicateur', 'documents', 'libelle'],
        ['2025-S2', 'retour_preuves', '09/03/2026', 'MO', 'plan_actions', 'Retour des éléments de preuve du semestre 2'],
        ['2025-S2', 'retour_preuves', '09/03/2026', 'DMI', 'audit_dmi,cartographie_dmi,plan_actions_dmi', 'Retour des éléments de preuve du semestre 2'],
        ['2025-S2', 'retour_preuves', '09/03/2026', 'PHARMACIE_CLINIQUE', 'autodiagnostic_pharmacie_clinique', 'Retour des éléments de preuve du semestre 2'],
        ['2025-S2', 'argumentaire_hors_amm', '21/03/2026', 'MO', 'argumentaire_hors_amm', 'Argumentaire des prescriptions hors-AMM du S2 2025 (délai de rigueur)'],
        ['2025', 'auto_evaluation', '31/03/2026', '', '', 'Rapport annuel d’auto-évaluation 2025'],
      ]),
  );

  const header = ['finess', 'annee', 'mois', 'ucd', 'libelle', 'code_indication', 'nb_ucd', 'montant'];
  // One extract in Windows-1252 and one in UTF-8 with BOM: both are what OMéDIT receives.
  await write('atih/2024/mo-2024-paca-corse.csv', iconv.encode(csv([header, ...moRows(2024)]), 'win1252'));
  const mo2025 = moRows(2025);
  await write('atih/2025/mo-2025-paca-corse.csv', '\ufeff' + csv([header, ...mo2025]));

  const evidence = (site: Site, kind: string, id: string, name: string) => `evidence/2025-S2/${site.finess}/${kind}/${id}-${name}`;
  for (const [site, id] of [[timone, 'u01'], [toulon, 'u02'], [cyrnos, 'u03'], [riviera, 'u04'], [icm, 'u05']] as const) {
    await write(evidence(site, 'plan_actions', id, 'plan-actions-S2-2025.pdf'), MINIMAL_PDF);
  }
  await write(evidence(cyrnos, 'audit_dmi', 'u06', 'audit-tracabilite-dmi.pdf'), MINIMAL_PDF);
  await write(evidence(cyrnos, 'cartographie_dmi', 'u07', 'cartographie-interdiag.pdf'), MINIMAL_PDF);
  await write(evidence(cyrnos, 'plan_actions_dmi', 'u16', 'plan-actions-dmi.pdf'), MINIMAL_PDF);

  const argHeader = ['finess', 'ucd', 'libelle', 'code_indication', 'nb_ucd', 'argumentaire', 'amm_miroir', 'exclusion'];
  await write(
    evidence(toulon, 'argumentaire_hors_amm', 'u08', 'argumentaire-hors-amm.csv'),
    iconv.encode(
      csv([argHeader, ...argumentedS2(toulon.finess, mo2025)]),
      'win1252',
    ),
  );
  // A file with mistakes: the establishment is told which rows and columns, and is reminded again.
  await write(
    evidence(comtat, 'argumentaire_hors_amm', 'u09', 'argumentaire S2.csv'),
    csv([
      argHeader,
      [comtat.finess, '3400893826631', 'RITUXIMAB', 'I999', '6', 'RCP du 12/11/2025', 'I997001', 'non'],
      [comtat.finess, '34008938', 'BEVACIZUMAB', 'I999', 'trois', 'RCP', '', 'peut-être'],
      [golo.finess, '9412631', 'IG', 'I999', '2', '', '', 'non'],
    ]),
  );
  await write(evidence(calanques, 'plan_actions', 'u10', 'plan.exe'), Buffer.from('MZ\x90\x00binary'));
  await write(evidence(golfe, 'plan_actions', 'u11', 'plan-actions.pdf'), MINIMAL_PDF);
  // The university hospital mapped its DMI circuit and sent the mapping's plan (2 points), not its audit yet.
  await write(evidence(timone, 'cartographie_dmi', 'u12', 'cartographie-anap.pdf'), MINIMAL_PDF);
  await write(evidence(timone, 'plan_actions_dmi', 'u17', 'plan-actions-dmi.pdf'), MINIMAL_PDF);
  for (const [site, id] of [[timone, 'u13'], [cyrnos, 'u14']] as const) {
    await write(evidence(site, 'autodiagnostic_pharmacie_clinique', id, 'autodiagnostic-anap.pdf'), MINIMAL_PDF);
  }
  await write(
    evidence(toulon, 'recueil_initiations', 'u15', 'recueil-initiations-S2.csv'),
    iconv.encode(
      csv([
        ['finess', 'dci', 'indication', 'date_initiation', 'nb_patients'],
        [toulon.finess, 'RITUXIMAB', 'Purpura thrombopénique immunologique réfractaire', '14/09/2025', '3'],
        [toulon.finess, 'BEVACIZUMAB', 'Glioblastome récidivant', '02/10/2025', '1'],
        [toulon.finess, 'IMMUNOGLOBULINE HUMAINE NORMALE', 'Neuropathie à blocs de conduction', '21/11/2025', '2'],
      ]),
      'win1252',
    ),
  );

  await write(
    'README.md',
    [
      '# Sample region (synthetic)',
      '',
      'Every establishment, FINESS, e-mail address, UCD code and amount here is invented; the layouts are those',
      'of `shared/formats.md`. Regenerate with `npx tsx events/make-sample.ts` (seeded: same files each time).',
      '',
      '- 13 establishments in PACA and Corse; two sites of one legal entity share contract `CAQES-PACA-001`',
      '  (an AP-HM-like university hospital, target I999 < 20 %), an IPC-like cancer institute (< 20 %),',
      '  private ex-OQN clinics in both regions, and one site not targeted on MO.',
      '- ATIH MO extracts for 2024 (Windows-1252) and 2025 (UTF-8 with BOM), with one establishment outside the',
      '  referential (its rows are ignored with a warning).',
      '- The 2025 calendar with the seed\'s deadlines (S2 evidence 09/03/2026, hors-AMM argumentation 21/03/2026).',
      '- Evidence: some action plans and DMI documents received, one argumentation accepted, one refused with',
      '  row-level errors, one file of a refused type, and many establishments with nothing sent yet.',
      '- CPAM extracts for 2024 and 2025 (IPP, PERFADOM, TRANSPORTS growth; biosimilars per semester; the',
      '  university hospital\'s IPP given for its legal entity; one CPAM value that disagrees with its',
      '  numerator and reference), DMI mappings and audit, clinical-pharmacy self-assessments, an initiation',
      '  collection, and the seed\'s 2024 budgets in `parametres-<year>.csv`.',
      '- Open PHMEV 2024 and 2025 for the public establishments, in the published 31-column layout, and the',
      '  PMSI\'s 2025 implantable devices stay by stay (the DMI budget\'s weights).',
      '- Two anomalies to find: Haute-Provence\'s 2025 amounts valued five times too high, and two badly',
      '  coded lines at Bastia-Golo.',
      '',
    ].join('\n'),
  );
}

await main();
