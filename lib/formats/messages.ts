import type { UnreadableFormat } from '../io/table';
import type { IssueCode } from './report';

export interface MessageParams {
  column?: string | null;
  value?: string | null;
  expected?: string;
  detail?: string;
}

/** The one catalogue of French validation messages, read by establishments and OMéDIT. */
const CATALOGUE: Record<IssueCode, (p: MessageParams) => string> = {
  'empty-file': () => 'Le fichier est vide ou ne contient pas de ligne d’en-tête.',
  'binary-file': () => 'Le fichier n’est pas un fichier texte CSV (contenu binaire).',
  'encoding-error': (p) => `Le fichier contient des caractères illisibles${p.detail ? ` (${p.detail})` : ''}.`,
  'too-large': (p) => `Le fichier dépasse la taille maximale acceptée${p.detail ? ` (${p.detail})` : ''}.`,
  'too-many-rows': (p) => `Le fichier dépasse le nombre maximal de lignes accepté${p.detail ? ` (${p.detail})` : ''}.`,
  'record-too-long': (p) =>
    `Une ligne dépasse la longueur maximale acceptée${p.detail ? ` (${p.detail})` : ''} : un guillemet (") jamais refermé, ou des retours à la ligne perdus (tout le fichier sur une ligne) ; vérifiez la ligne indiquée.`,
  'too-many-cells': (p) => `Une ligne dépasse le nombre maximal de cellules accepté${p.detail ? ` (${p.detail})` : ''}.`,
  'unknown-kind': (p) =>
    `Type de fichier non reconnu${p.detail ? ` : ${p.detail}` : ''}. Vérifiez le dossier de dépôt et le nom du fichier.`,
  'header-row': (p) => `L’en-tête des colonnes a été trouvé ${p.detail ? `ligne ${p.detail}` : 'plus bas'} : les lignes au-dessus (titre, commentaires) sont ignorées.`,
  'missing-column': (p) => `Colonne obligatoire absente : « ${p.column} ».`,
  'extra-column': (p) => `Colonne « ${p.column} » non attendue : elle est ignorée.`,
  'blank-row': (p) => `Ligne vide ignorée${p.detail && p.detail !== '1' ? ` (${p.detail} lignes vides à la suite)` : ''}.`,
  'duplicate-row': (p) => `Ligne en double${p.detail ? ` (${p.detail})` : ''} : seule la première est prise en compte.`,
  'missing-value': (p) => `Valeur obligatoire manquante dans la colonne « ${p.column} ».`,
  'type-error': (p) => `Valeur « ${p.value} » invalide dans la colonne « ${p.column} » : ${p.expected ?? 'format attendu non respecté'}.`,
  'invalid-finess': (p) =>
    `FINESS « ${p.value} » invalide : ${p.detail ?? '9 caractères attendus (département puis chiffres, clé de contrôle)'}.`,
  'unknown-finess': (p) => `FINESS « ${p.value} » absent du référentiel des établissements${p.detail ? ` ${p.detail}` : ''}.`,
  'wrong-establishment': (p) => `Le FINESS « ${p.value} » ne correspond pas à l’établissement du dépôt${p.detail ? ` (${p.detail})` : ''}.`,
  'period-outside-campaign': (p) => `Période « ${p.value} » hors de la campagne${p.detail ? ` ${p.detail}` : ''}.`,
  'unknown-indicator': (p) => `Code indicateur « ${p.value} » inconnu.`,
  'inconsistent-value': (p) => `Valeur « ${p.value} » de la colonne « ${p.column} » incohérente${p.detail ? ` : ${p.detail}` : ''}.`,
  'coding-anomaly': (p) => `Anomalie de codage dans la colonne « ${p.column} »${p.value ? ` (« ${p.value} »)` : ''}${p.detail ? ` : ${p.detail}` : ''}.`,
  'unreadable-file': (p) => `Le fichier n’a pas pu être lu${p.detail ? ` : ${p.detail}` : ''}.`,
  'report-locked': (p) =>
    `Pièce refusée : le rapport d’auto-évaluation${p.value ? ` ${p.value}` : ''} est verrouillé${p.detail ? ` ${p.detail}` : ''} ; aucune pièce de cette année ne peut plus être prise en compte. Seule l’OMéDIT peut rouvrir le rapport.`,
  'wrong-region': (p) =>
    `Ligne d’une autre région que celle de ce dépôt : « ${p.value} »${p.detail ? ` (${p.detail})` : ''}. Un fichier envoyé pour une région ne peut changer que les données de cette région.`,
  'unsafe-name': (p) => `Nom de fichier refusé : ${p.detail ?? 'caractères non admis'}. Renommez le fichier (lettres, chiffres, tirets, points) et déposez-le à nouveau.`,
};

/** The French message for an issue code. */
export function issueMessage(code: IssueCode, params: MessageParams = {}): string {
  return CATALOGUE[code](params);
}

/**
 * What a format the readers recognise but do not read is, and what to do, in French: the detail of
 * its `unreadable-file` refusal, whether it was known from the file's name or from its content.
 */
export const UNREADABLE_FORMAT_DETAILS: Readonly<Record<UnreadableFormat, string>> = {
  xls: 'classeur Excel 97-2003 (.xls), format qui n’est pas lu ; ouvrez-le dans Excel ou LibreOffice et enregistrez-le au format .xlsx (Classeur Excel), .ods ou .csv',
  'encrypted-workbook':
    'classeur protégé par un mot de passe, que personne d’autre ne peut ouvrir ; retirez le mot de passe (Excel : Fichier > Informations > Protéger le classeur > Chiffrer avec mot de passe, laisser vide ; LibreOffice : Fichier > Enregistrer sous, sans cocher « Enregistrer avec mot de passe ») et déposez-le à nouveau',
  'encrypted-ods':
    'classeur OpenDocument (.ods) protégé par un mot de passe, que personne d’autre ne peut ouvrir ; dans LibreOffice, Fichier > Enregistrer sous, sans cocher « Enregistrer avec mot de passe », puis déposez-le à nouveau',
  numbers: 'document Apple Numbers (.numbers), format qui n’est pas lu ; dans Numbers, Fichier > Exporter vers > Excel (.xlsx) ou CSV, puis déposez le fichier exporté',
  'utf-16':
    'CSV enregistré en UTF-16 (« Texte Unicode » d’Excel), encodage qui n’est pas lu ; enregistrez-le au format « CSV UTF-8 (délimité par des virgules) » ou « CSV (séparateur : point-virgule) »',
};

/** Extensions of formats that are not read, and which each is: a file so named is refused by its name. */
export const UNREADABLE_EXTENSIONS: Readonly<Record<string, UnreadableFormat>> = { xls: 'xls', numbers: 'numbers' };
