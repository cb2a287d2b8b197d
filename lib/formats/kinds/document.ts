/** Evidence accepted as a document: action plans, audits, mappings, self-assessments. */
export const DOCUMENT_EXTENSIONS = ['pdf', 'docx', 'xlsx', 'ods', 'odt', 'csv'] as const;

const ZIP_BASED = new Set(['docx', 'xlsx', 'ods', 'odt']);

export type DocumentProblem = { code: 'unknown-kind' | 'empty-file' | 'unreadable-file'; detail: string };

/**
 * Checks a document from its name, size and first bytes: a known extension whose content looks like
 * what the name says (PDF header, ZIP container for office files, text for CSV).
 */
export function checkDocument(fileName: string, size: number, head: Uint8Array): DocumentProblem | null {
  const extension = fileName.toLowerCase().split('.').pop() ?? '';
  if (!(DOCUMENT_EXTENSIONS as readonly string[]).includes(extension)) {
    return { code: 'unknown-kind', detail: `extension « .${extension} » non acceptée (formats acceptés : ${DOCUMENT_EXTENSIONS.join(', ')})` };
  }
  if (size === 0) return { code: 'empty-file', detail: '' };
  const ascii = String.fromCharCode(...head.slice(0, 5));
  if (extension === 'pdf' && ascii !== '%PDF-') return { code: 'unreadable-file', detail: 'ce fichier n’est pas un PDF valide' };
  if (ZIP_BASED.has(extension) && !(head[0] === 0x50 && head[1] === 0x4b)) {
    return { code: 'unreadable-file', detail: `ce fichier n’est pas un document .${extension} valide` };
  }
  if (extension === 'csv' && head.slice(0, 8192).includes(0)) return { code: 'unreadable-file', detail: 'contenu binaire dans un fichier .csv' };
  return null;
}
