/**
 * A template of each table layout, to download from OMéDIT's inputs page: its header, an example row
 * and a note per column, as CSV and as a workbook. Everything but the example values comes from the
 * format registry (the columns of each kind's row schema, which are optional, what each cell expects
 * as its parser words it), so a template follows its format when the format changes; the example
 * values are checked by test/formats/templates.test.ts, which validates every template as ingest does.
 */
import ExcelJS from 'exceljs';
import { z } from 'zod';
import { INDICATOR_CODES } from '../domain/schemas';
import { CellIssue, isCellSchema } from './fields';
import type { TableKind } from './registry';

/** One column of a template: its name, whether it must be there, and what its cells hold. */
export interface TemplateColumn {
  name: string;
  required: boolean;
  /** Whether a cell may be left empty. */
  mayBeEmpty: boolean;
  note: string;
  example: string;
}

/**
 * Example values by column name, or by `<kind>.<column>` where two kinds give one name different
 * meanings. Each is read by the column's own parser in the tests: a wrong example fails there.
 */
const EXAMPLES: Readonly<Record<string, string>> = {
  finess: '130780018',
  finess_juridique: '130780000',
  raison_sociale: 'Centre hospitalier (exemple)',
  region: 'PACA',
  categorie: 'ex-DG',
  contrat: 'CAQES-PACA-001',
  emails: 'pharmacie@ch-exemple.fr',
  indicateur: 'MO',
  'cpam-phev.indicateur': 'GENERIQUES',
  comparateur: '<',
  cible: '15',
  campagne: '2025-S2',
  echeance: 'retour_preuves',
  date: '09/03/2026',
  documents: 'plan_actions',
  libelle: 'Retour des éléments de preuve du semestre 2',
  'atih-mo.libelle': 'TRASTUZUMAB',
  'argumentaire_hors_amm.libelle': 'TRASTUZUMAB',
  parametre: 'budget_dmi',
  valeur: '210 550,97',
  'cpam-phev.valeur': '45',
  annee: '2025',
  mois: '3',
  ucd: '9385412',
  code_indication: 'I999',
  nb_ucd: '15',
  montant: '1 500,00',
  eta_num: '130780018',
  rsa_num: '1',
  ann: '2025',
  moi: '3',
  ucd_ucd_cod: '9385412',
  cod_les: 'I000487',
  adm_nbr: '2,5',
  adm_nbr_pri: '1 200,50',
  lpp_cod: '3183538',
  nbr_pos: '1',
  nbr_pos_pri: '850,00',
  periode: '2025',
  numerateur: '45',
  denominateur: '100',
  valeur_reference: '40',
  atc4: 'A02B',
  atc5: 'A02BC',
  cip13: '3400936102781',
  l_cip13: 'OMEPRAZOLE 20MG GELULE',
  top_gen: '1',
  gen_num: '12',
  etb_rgt: '130780018',
  boites: '120',
  rem: '254,30',
  bse: '300,10',
  argumentaire: 'Indication validée en RCP (exemple)',
  amm_miroir: '',
  exclusion: 'non',
  dci: 'PEMBROLIZUMAB',
  indication: 'Mélanome (exemple)',
  date_initiation: '15/10/2025',
  nb_patients: '2',
};

/** Text that no column's parser takes: what it answers says what the column expects. */
const UNEXPECTED = '\u0001?';

/** What a column expects, as its parser words it (its `expected` phrase, without the issue code). */
function expected(schema: z.ZodType): string | null {
  // An unknown indicator is its own issue code, whose phrase says what was wrong, not what is expected.
  const phrase = (m: string) => (m.startsWith('unknown-indicator:') ? `code indicateur parmi ${INDICATOR_CODES.join(', ')}` : m.replace(/^[a-z-]+:/, ''));
  // Phrases quoting the refused text (`(« … » inconnu)`) would quote the probe: left out.
  const words = (messages: readonly string[]) => messages.map((m) => phrase(m).replace(/\s*\(«[^»]*\u0001[^)]*\)/g, '')).join(' ; ');
  if (isCellSchema(schema)) {
    const outcome = schema.parseCell(UNEXPECTED);
    return outcome instanceof CellIssue ? words(outcome.messages) : null;
  }
  const outcome = schema.safeParse(UNEXPECTED);
  return outcome.success ? null : words(outcome.error.issues.map((i) => i.message));
}

function mayBeEmpty(schema: z.ZodType): boolean {
  if (isCellSchema(schema)) return !(schema.parseCell('') instanceof CellIssue);
  return schema.safeParse('').success;
}

/** The columns of a kind's template, in the order of its row schema. */
export function templateColumns(kind: TableKind): TemplateColumn[] {
  const shape = kind.format.schema.shape as Record<string, z.ZodType>;
  return kind.format.columns.map((name) => {
    const schema = shape[name]!;
    const required = !kind.format.optionalColumns.includes(name);
    const empty = mayBeEmpty(schema);
    const what = expected(schema) ?? 'texte libre';
    const presence = required ? (empty ? 'colonne obligatoire, cellule facultative' : 'obligatoire') : 'colonne facultative';
    return { name, required, mayBeEmpty: empty, note: `${presence} : ${what}`, example: EXAMPLES[`${kind.id}.${name}`] ?? EXAMPLES[name] ?? '' };
  });
}

/** A CSV cell, quoted when it holds the delimiter, a quote or a line break. */
function csvCell(value: string): string {
  return /[;"\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * The CSV template: UTF-8 with a BOM (Excel then reads the accents), `;`, the header and the example
 * row; the column notes are in the workbook and on the page (a CSV has no place for them that a
 * reader would not take for data).
 */
export function templateCsv(kind: TableKind): string {
  const columns = templateColumns(kind);
  return `\ufeff${[columns.map((c) => c.name), columns.map((c) => c.example)].map((row) => row.map(csvCell).join(';')).join('\r\n')}\r\n`;
}

/**
 * The workbook template: its first sheet (the one read) holds the header and the example row, every
 * cell as text so a FINESS keeps its leading zero; a second sheet lists each column with its note.
 */
export async function templateXlsx(kind: TableKind): Promise<Buffer> {
  const columns = templateColumns(kind);
  const workbook = new ExcelJS.Workbook();
  const data = workbook.addWorksheet('Données');
  data.addRow(columns.map((c) => c.name)).font = { bold: true };
  data.addRow(columns.map((c) => c.example));
  columns.forEach((c, i) => {
    const column = data.getColumn(i + 1);
    column.numFmt = '@';
    column.width = Math.max(12, c.name.length + 2, c.example.length + 2);
  });
  const notes = workbook.addWorksheet('Colonnes');
  notes.addRow(['Colonne', 'Obligatoire', 'Contenu attendu', 'Exemple']).font = { bold: true };
  for (const c of columns) notes.addRow([c.name, c.required ? 'oui' : 'non', c.note, c.example]);
  notes.getColumn(3).width = 80;
  notes.addRow([]);
  notes.addRow([`${kind.format.label} : seule la première feuille est lue ; remplacez la ligne d’exemple par vos données.`]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
