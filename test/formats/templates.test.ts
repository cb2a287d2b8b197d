/** The templates OMéDIT downloads from its inputs page: generated from the registry, and accepted as they are. */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { TABLE_KINDS, type TableKind } from '../../lib/formats/registry';
import { templateColumns, templateCsv, templateXlsx } from '../../lib/formats/templates';
import { validateFile } from '../../lib/formats/validate';
import { INDICATOR_CODES } from '../../lib/domain/schemas';

const INPUT_KINDS = TABLE_KINDS.filter((k) => k.zone !== 'evidence');
const kind = (id: string) => TABLE_KINDS.find((k) => k.id === id)!;

async function validate(k: TableKind, fileName: string, bytes: Buffer) {
  return validateFile(
    { fileName, size: bytes.length, open: async () => (async function* () { yield bytes; })() },
    { tag: 'table', kinds: [k], year: 2025 },
    { source: { key: fileName, version: '1' }, fileName, year: 2025, campaign: null, finess: null, establishments: null },
  );
}

describe('templates', () => {
  it.each(INPUT_KINDS.map((k) => [k.id, k] as const))('%s: the CSV template, as downloaded, is read without an error', async (_id, k) => {
    const v = await validate(k, 'modele.csv', Buffer.from(templateCsv(k), 'utf8'));
    expect(v.issues.listed.filter((i) => i.severity === 'error')).toEqual([]);
    expect(v.rowsAccepted).toBe(1);
  });

  it.each(INPUT_KINDS.map((k) => [k.id, k] as const))('%s: the workbook template is read without an error, first sheet only', async (_id, k) => {
    const v = await validate(k, 'modele.xlsx', await templateXlsx(k));
    expect(v.issues.listed.filter((i) => i.severity === 'error')).toEqual([]);
    expect(v.rowsAccepted).toBe(1);
  });

  it('follows the registry: the calendar’s columns in its order, each with what its parser expects', () => {
    const columns = templateColumns(kind('calendrier'));
    expect(columns.map((c) => c.name)).toEqual(kind('calendrier').format.columns);
    expect(columns.find((c) => c.name === 'date')).toEqual({
      name: 'date',
      required: true,
      mayBeEmpty: false,
      note: 'obligatoire : date jj/mm/aaaa ou aaaa-mm-jj attendue',
      example: '09/03/2026',
    });
    expect(columns.find((c) => c.name === 'indicateur')?.note).toBe(`colonne facultative : code indicateur parmi ${INDICATOR_CODES.join(', ')}`);
  });

  it('writes the CSV with a BOM, semicolons and the header then the example', () => {
    expect(templateCsv(kind('ciblage'))).toBe('\ufefffiness;indicateur;neutralisation\r\n130780018;MO;\r\n');
  });

  it('lists each column’s note on the workbook’s second sheet, FINESS kept as text', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await templateXlsx(kind('etablissements'))) as never);
    const [data, notes] = workbook.worksheets;
    expect(data!.getRow(2).getCell(1).value).toBe('130780018');
    expect(notes!.getRow(1).values).toEqual([undefined, 'Colonne', 'Obligatoire', 'Contenu attendu', 'Exemple']);
    expect(notes!.getRow(5).values).toEqual([undefined, 'region', 'oui', 'obligatoire : nom court de région attendu (ex. PACA, CORSE)', 'PACA']);
  });
});
