import type { DropKey } from '../store/keys';
import { DocumentKind } from '../domain/schemas';
import { argumentaireFormat } from './kinds/argumentaire';
import { atihMoFormat } from './kinds/atih-mo';
import { calendrierFormat } from './kinds/calendrier';
import { ciblageFormat } from './kinds/ciblage';
import { cpamPhevFormat } from './kinds/cpam-phev';
import { etablissementsFormat } from './kinds/etablissements';
import { fichcompDmiFormat } from './kinds/fichcomp-dmi';
import { fichcompMedFormat } from './kinds/fichcomp-med';
import { objectifsFormat } from './kinds/objectifs';
import { openPhmevFormat } from './kinds/open-phmev';
import { parametresFormat } from './kinds/parametres';
import { recueilInitiationsFormat } from './kinds/recueil-initiations';
import { UNREADABLE_EXTENSIONS, UNREADABLE_FORMAT_DETAILS } from './messages';
import { headerMatch, type TabularFormat } from './tabular';

export type Zone = DropKey['zone'];

/** A table-shaped kind of file: where it is dropped, how it is named, and its format. */
export interface TableKind {
  id: 'etablissements' | 'ciblage' | 'objectifs' | 'calendrier' | 'parametres' | 'atih-mo' | 'fichcomp-med' | 'fichcomp-dmi' | 'cpam-phev' | 'open-phmev' | 'argumentaire_hors_amm' | 'recueil_initiations';
  zone: Zone;
  /** Lower-case file name in its zone; a first group, when there is one, is the year. */
  name?: RegExp;
  /** Evidence kinds: the document-kind folder the table is dropped in. */
  documentKind?: DocumentKind;
  /** Whether the rows need the year the file is for (from its name or its drop folder). */
  needsYear: boolean;
  format: TabularFormat;
}

export type KindId = TableKind['id'] | 'document';

/** File extensions read as tables; anything else in a table's place is refused with the reason. */
export const TABLE_EXTENSIONS = ['csv', 'txt', 'tsv', 'xlsx', 'ods'] as const;
const TABLE_FILE = /\.(csv|txt|tsv|xlsx|ods)$/;

/** Every table-shaped kind the product reads. Adding a kind is adding a line here and its module. */
export const TABLE_KINDS: readonly TableKind[] = [
  { id: 'etablissements', zone: 'referential', name: /^etablissements.*\.(?:csv|txt|tsv|xlsx|ods)$/, needsYear: false, format: etablissementsFormat },
  { id: 'ciblage', zone: 'referential', name: /^ciblage[-_ ](\d{4})\.(?:csv|txt|tsv|xlsx|ods)$/, needsYear: true, format: ciblageFormat },
  { id: 'objectifs', zone: 'referential', name: /^objectifs[-_ ](\d{4})\.(?:csv|txt|tsv|xlsx|ods)$/, needsYear: true, format: objectifsFormat },
  { id: 'calendrier', zone: 'referential', name: /^calendrier[-_ ](\d{4})\.(?:csv|txt|tsv|xlsx|ods)$/, needsYear: true, format: calendrierFormat },
  { id: 'parametres', zone: 'referential', name: /^param[eè]tres[-_ ](\d{4})\.(?:csv|txt|tsv|xlsx|ods)$/, needsYear: true, format: parametresFormat },
  { id: 'atih-mo', zone: 'atih', name: /^mo[-_ ].*\.(?:csv|txt|tsv|xlsx|ods)$/, needsYear: true, format: atihMoFormat },
  { id: 'fichcomp-med', zone: 'atih', name: /^fichcomp[-_ ]med.*\.(?:csv|txt|tsv|xlsx|ods)$/, needsYear: true, format: fichcompMedFormat },
  { id: 'fichcomp-dmi', zone: 'atih', name: /^fichcomp[-_ ]dmi.*\.(?:csv|txt|tsv|xlsx|ods)$/, needsYear: true, format: fichcompDmiFormat },
  { id: 'cpam-phev', zone: 'cpam', name: /^phev[-_ ].*\.(?:csv|txt|tsv|xlsx|ods)$/, needsYear: true, format: cpamPhevFormat },
  { id: 'open-phmev', zone: 'cpam', name: /^open[-_ ]phmev.*\.(?:csv|txt|tsv|xlsx|ods)$/, needsYear: true, format: openPhmevFormat },
  { id: 'argumentaire_hors_amm', zone: 'evidence', documentKind: 'argumentaire_hors_amm', needsYear: false, format: argumentaireFormat },
  { id: 'recueil_initiations', zone: 'evidence', documentKind: 'recueil_initiations', needsYear: false, format: recueilInitiationsFormat },
];

/**
 * What the drop zone's key says about a file: one table kind, several (a file of the zone whose
 * name is not known, decided from its header once opened), an evidence document, or unknown with
 * the reason in French.
 */
export type Recognition =
  | { tag: 'table'; kinds: readonly TableKind[]; year: number | null }
  | { tag: 'document'; documentKind: DocumentKind }
  | { tag: 'unknown'; detail: string };

const REFERENTIAL_NAMES = 'le référentiel attend etablissements.csv, ciblage-AAAA.csv, objectifs-AAAA.csv, calendrier-AAAA.csv ou parametres-AAAA.csv (ou .xlsx, .ods)';

function tableDetail(kind: TableKind): string {
  return `attendu : un tableau .csv, .xlsx ou .ods avec les colonnes ${kind.format.columns.join(', ')}`;
}

/** What a file named in a format that is not read (`.xls`, `.numbers`) is and what to do, or null. */
function unreadableByName(name: string): string | null {
  const format = UNREADABLE_EXTENSIONS[name.slice(name.lastIndexOf('.') + 1)];
  return format === undefined ? null : UNREADABLE_FORMAT_DETAILS[format];
}

/** The kind a drop-zone key names, from its zone, folder and file name. */
export function recognise(key: DropKey): Recognition {
  const name = key.fileName.toLowerCase();
  if (key.zone === 'evidence') {
    const kind = DocumentKind.safeParse(key.kind);
    if (!kind.success) return { tag: 'unknown', detail: `type de document « ${key.kind} » inconnu (attendus : ${DocumentKind.options.join(', ')})` };
    const table = TABLE_KINDS.find((k) => k.documentKind === kind.data);
    if (!table) return { tag: 'document', documentKind: kind.data };
    if (TABLE_FILE.test(name)) return { tag: 'table', kinds: [table], year: null };
    return { tag: 'unknown', detail: `${table.format.label} : ${unreadableByName(name) ?? tableDetail(table)}` };
  }
  const unreadable = unreadableByName(name);
  if (unreadable !== null) return { tag: 'unknown', detail: unreadable };
  const inZone = TABLE_KINDS.filter((k) => k.zone === key.zone);
  for (const kind of inZone) {
    const m = kind.name?.exec(name);
    if (m) return { tag: 'table', kinds: [kind], year: m[1] ? Number(m[1]) : 'year' in key ? key.year : null };
  }
  if (key.zone === 'referential') return { tag: 'unknown', detail: REFERENTIAL_NAMES };
  if (!TABLE_FILE.test(name)) return { tag: 'unknown', detail: `les extraits sont attendus en .csv, .xlsx ou .ods (fichier « ${key.fileName} »)` };
  return { tag: 'table', kinds: inZone, year: key.year };
}

/** The table kind with that id (for `caqes validate --kind`). */
export function tableKind(id: string): TableKind | undefined {
  return TABLE_KINDS.find((k) => k.id === id);
}

/**
 * Among candidate kinds, the one whose columns a header names: every required column present,
 * then the most columns matched. Null when none has all its required columns.
 */
export function recogniseByHeader(header: readonly string[], kinds: readonly TableKind[]): TableKind | null {
  let best: { kind: TableKind; matched: number } | null = null;
  for (const kind of kinds) {
    const { matched, complete } = headerMatch(kind.format, header);
    if (complete && (!best || matched > best.matched)) best = { kind, matched };
  }
  return best?.kind ?? null;
}

/** Why no candidate kind matched a header, in French: the columns each one expects, or their names when many. */
export function headerMismatchDetail(kinds: readonly TableKind[]): string {
  if (kinds.length > 2) {
    return `les colonnes ne correspondent à aucun format connu (${kinds.map((k) => k.format.label).join(', ')}) ; précisez le type du fichier`;
  }
  return `les colonnes ne correspondent pas au format attendu ici (${kinds.map((k) => `${k.format.label} : ${k.format.columns.join(', ')}`).join(' ; ')})`;
}
