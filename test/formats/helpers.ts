import iconv from 'iconv-lite';
import { Readable } from 'node:stream';
import { openCsv } from '../../lib/io/csv-reader';
import { readTabular, type FormatContext, type TabularFormat } from '../../lib/formats/tabular';
import type { Establishment } from '../../lib/domain/schemas';
import type { FileOutput } from '../../lib/formats/output';

/** CRLF-joined lines encoded as a Windows-1252 export (`’` is byte 0x92, `é` 0xE9, NBSP 0xA0). */
export function cp1252(lines: readonly string[]): Buffer {
  return iconv.encode(lines.join('\r\n') + '\r\n', 'windows-1252');
}

export function context(over: Partial<FormatContext> = {}): FormatContext {
  return { source: { key: 'test/file.csv', version: 'v1' }, fileName: 'file.csv', year: null, campaign: null, finess: null, establishments: null, ...over };
}

export function referential(...finess: string[]): Map<string, Establishment> {
  return new Map(
    finess.map((f) => [f, { finess: f, finessJuridique: f, raisonSociale: f, region: f.startsWith('2') ? 'CORSE' : 'PACA', categorie: 'ex-DG', contrat: f, emails: [] }]),
  );
}

export async function read(format: TabularFormat, bytes: Buffer, over: Partial<FormatContext> = {}) {
  const csv = await openCsv(Readable.from([bytes]));
  const outcome = await readTabular(format, csv, context(over));
  return { ...outcome, encoding: csv.encoding, delimiter: csv.delimiter, list: outcome.issues.listed };
}

/** The issues as `code@row:column` (the coordinates a pharmacist looks for in the report). */
export function where(list: readonly { code: string; row: number | null; column: string | null; severity: string }[]): string[] {
  return list.map((i) => `${i.severity} ${i.code}@${i.row}:${i.column}`);
}

/** What an accepted file gives, without its type tag: the list or summary a test compares. */
export function payload(output: FileOutput | null): unknown {
  if (output === null) return null;
  switch (output.type) {
    case 'establishments':
      return output.establishments;
    case 'targetings':
      return output.targetings;
    case 'objectives':
      return output.objectives;
    case 'calendar':
      return output.deadlines;
    case 'parameters':
      return output.sets;
    case 'mo-facts':
    case 'cpam-facts':
      return output.facts;
    case 'evidence':
      return output.summary;
  }
}
