import { describe, expect, it } from 'vitest';
import { recognise, recogniseByHeader, TABLE_KINDS, type Recognition } from '../../lib/formats/registry';
import { UNREADABLE_FORMAT_DETAILS } from '../../lib/formats/messages';
import { parseDropKey } from '../../lib/store/keys';

function recognised(key: string): Recognition {
  const dropKey = parseDropKey(key);
  if (!dropKey) throw new Error(`not a drop-zone key: ${key}`);
  return recognise(dropKey);
}

/** A recognition as `kind ids @ year`, or `document:<kind>`, or `unknown`. */
function summary(key: string): string {
  const r = recognised(key);
  if (r.tag === 'table') return `${r.kinds.map((k) => k.id).join('|')}@${r.year}`;
  if (r.tag === 'document') return `document:${r.documentKind}`;
  return 'unknown';
}

const REFERENTIAL = 'le référentiel attend etablissements.csv, ciblage-AAAA.csv, objectifs-AAAA.csv, calendrier-AAAA.csv ou parametres-AAAA.csv (ou .xlsx, .ods)';

describe('recognise: the kind of a file from its drop-zone key', () => {
  it.each([
    ['referential/etablissements.csv', 'etablissements@null'],
    ['referential/Etablissements_PACA.CSV', 'etablissements@null'],
    ['referential/etablissements.xlsx', 'etablissements@null'],
    ['referential/ciblage-2025.csv', 'ciblage@2025'],
    ['referential/Objectifs_2025.csv', 'objectifs@2025'],
    ['referential/calendrier-2026.txt', 'calendrier@2026'],
    ['atih/2024/mo-paca.csv', 'atih-mo@2024'],
    ['atih/2025/MO_corse.csv', 'atih-mo@2025'],
    ['atih/2024/mo-paca.xlsx', 'atih-mo@2024'],
    ['cpam/2025/phev-paca.csv', 'cpam-phev@2025'],
    // A name the zone does not know: decided from the header once the file is opened.
    ['atih/2024/extraction-janvier.csv', 'atih-mo|fichcomp-med|fichcomp-dmi@2024'],
    ['atih/2025/fichcomp-med-2025.csv', 'fichcomp-med@2025'],
    ['atih/2025/FICHCOMP_DMI_2025.csv', 'fichcomp-dmi@2025'],
    ['cpam/2025/export_cpam13.csv', 'cpam-phev|open-phmev@2025'],
    ['cpam/2024/OPEN_PHMEV_2024.CSV', 'open-phmev@2024'],
    ['evidence/2025-S2/130786049/argumentaire_hors_amm/u1-argumentaire.csv', 'argumentaire_hors_amm@null'],
    ['evidence/2025-S2/130786049/argumentaire_hors_amm/u1-argumentaire.xlsx', 'argumentaire_hors_amm@null'],
    ['evidence/2025-S2/130786049/argumentaire_hors_amm/u1-argumentaire.ods', 'argumentaire_hors_amm@null'],
    ['referential/objectifs-2025.ods', 'objectifs@2025'],
    ['cpam/2025/phev-2025.ODS', 'cpam-phev@2025'],
    ['evidence/2025-S1/130786049/recueil_initiations/u1-recueil.xlsx', 'recueil_initiations@null'],
    ['evidence/2025-S2/2A0000014/plan_actions/u2-plan.pdf', 'document:plan_actions'],
    ['evidence/2025-S2/2A0000014/audit_dmi/u3-audit.xlsx', 'document:audit_dmi'],
  ])('%s → %s', (key, expected) => {
    expect(summary(key)).toBe(expected);
  });

  it.each([
    ['referential/ciblage.csv', REFERENTIAL],
    ['referential/notes.pdf', REFERENTIAL],
    ['atih/2024/notes.pdf', 'les extraits sont attendus en .csv, .xlsx ou .ods (fichier « notes.pdf »)'],
    ['referential/objectifs-2025.xls', UNREADABLE_FORMAT_DETAILS.xls],
    ['atih/2024/mo-2024.xls', UNREADABLE_FORMAT_DETAILS.xls],
    ['cpam/2025/phev-2025.numbers', UNREADABLE_FORMAT_DETAILS.numbers],
    ['evidence/2025-S2/130786049/recueil_initiations/u1-recueil.xls', `Recueil des initiations de traitement hors référentiel : ${UNREADABLE_FORMAT_DETAILS.xls}`],
  ])('%s → unknown (%s)', (key, detail) => {
    expect(recognised(key)).toEqual({ tag: 'unknown', detail });
  });

  it('an argumentaire sent as a PDF is refused with the columns expected', () => {
    expect(recognised('evidence/2025-S2/130786049/argumentaire_hors_amm/u1-argumentaire.pdf')).toEqual({
      tag: 'unknown',
      detail: 'Argumentaire des prescriptions hors-AMM : attendu : un tableau .csv, .xlsx ou .ods avec les colonnes finess, ucd, libelle, code_indication, nb_ucd, argumentaire, amm_miroir, exclusion',
    });
  });

  it('an unknown document kind is unknown, with the accepted kinds listed', () => {
    expect(recognised('evidence/2025-S2/130786049/facture/u4-facture.pdf')).toEqual({
      tag: 'unknown',
      detail: 'type de document « facture » inconnu (attendus : plan_actions, argumentaire_hors_amm, recueil_initiations, audit_dmi, cartographie_dmi, plan_actions_dmi, autodiagnostic_pharmacie_clinique, autre)',
    });
  });
});

describe('recogniseByHeader: a file of the zone with an unknown name', () => {
  const atih = TABLE_KINDS.filter((k) => k.zone === 'atih');
  const all = TABLE_KINDS;

  it('finds the ATIH MO layout from its columns, written any way', () => {
    expect(recogniseByHeader(['FINESS', 'Année', 'UCD', 'Code_Indication', 'Nb UCD', 'Montant'], atih)?.id).toBe('atih-mo');
  });

  it('tells a stay-level file from the aggregated extract, and Open PHMEV from the CPAM extract', () => {
    expect(recogniseByHeader(['ETA_NUM', 'RSA_NUM', 'ANN', 'MOI', 'UCD_UCD_COD', 'COD_LES', 'ADM_NBR', 'ADM_NBR_PRI'], atih)?.id).toBe('fichcomp-med');
    expect(recogniseByHeader(['ETA_NUM', 'RSA_NUM', 'ANN', 'MOI', 'LPP_COD', 'NBR_POS', 'NBR_POS_PRI'], atih)?.id).toBe('fichcomp-dmi');
    const phmev = 'atc1;l_atc1;atc2;L_ATC2;atc3;L_ATC3;atc4;L_ATC4;ATC5;L_ATC5;CIP13;l_cip13;TOP_GEN;GEN_NUM;age;SEXE;etb_rgt;categorie_jur;categorie_jur_rgt;code_postal;nom_etb;nom_ville;nom_voie;numero_voie;raison_sociale_etb;top_etb_age;top_etb_sexe;region_etb;BOITES;REM;BSE';
    expect(recogniseByHeader(phmev.split(';'), TABLE_KINDS.filter((k) => k.zone === 'cpam'))?.id).toBe('open-phmev');
  });

  it('tells the CPAM extract from the targeting file by their required columns', () => {
    expect(recogniseByHeader(['finess', 'indicateur', 'periode', 'numerateur'], all)?.id).toBe('cpam-phev');
    expect(recogniseByHeader(['finess', 'indicateur'], all)?.id).toBe('ciblage');
  });

  it('is null when a required column is missing', () => {
    expect(recogniseByHeader(['finess', 'annee', 'ucd', 'nb_ucd'], atih)).toBeNull();
  });
});
