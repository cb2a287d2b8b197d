import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { openCsv } from '../../lib/io/csv-reader';
import { parseFrenchNumber } from '../../lib/io/french';
import { buildSummaryCsv, CSV_COLUMNS, csvNumber, csvText } from '../../lib/report/summary-csv';
import { summaryModel } from '../../lib/report/summary-model';
import { HOSTILE, input, result } from './fixtures';

const summary = summaryModel(input);
const csv = buildSummaryCsv(summary);
const rows = summary.sections.flatMap((section) => section.rows.map((row) => ({ section, row })));

/** The file read back by the project's own reader, as ingest would read it. */
async function readBack(bytes: Buffer) {
  const file = await openCsv(Readable.from([bytes]));
  const lines: string[][] = [];
  for await (const row of file.rows) lines.push(row.cells);
  return { file, lines };
}

/** What a text field held before the single quote OWASP asks for. */
const unquote = (cell: string): string => (/^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell);

describe('buildSummaryCsv', () => {
  it('is UTF-8 with a BOM, `;`-separated, with CRLF line ends: what a French Excel opens as it is', () => {
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = csv.toString('utf8').slice(1);
    expect(text.split('\r\n')[0]).toBe(CSV_COLUMNS.join(';'));
    expect(text.endsWith('\r\n')).toBe(true);
    // Every line break is a CRLF (no field here holds one).
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('reads back through lib/io openCsv with every row and value intact', async () => {
    const { file, lines } = await readBack(csv);
    expect(file.encoding).toBe('utf-8-bom');
    expect(file.delimiter).toBe(';');
    expect(file.header).toEqual([...CSV_COLUMNS]);
    expect(lines).toHaveLength(rows.length);
    const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    lines.forEach((cells, i) => {
      const { section, row } = rows[i]!;
      const r = row.result;
      expect(cells[col('code_indicateur')]).toBe(section.code);
      expect(unquote(cells[col('etablissement')]!)).toBe(row.label);
      expect(unquote(cells[col('contrat')]!)).toBe(r.contrat);
      expect(cells[col('finess')]).toBe(r.finess ?? '');
      expect(cells[col('code_statut')]).toBe(r.status);
      // Numbers: decimal comma; rates, growths, points and changes rounded as the page shows them (one decimal).
      const number = (name: (typeof CSV_COLUMNS)[number]) => (cells[col(name)] === '' ? null : parseFrenchNumber(cells[col(name)]!));
      const shown = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
      expect(number('valeur')).toBe(shown(r.value));
      expect(number('valeur_annee_precedente')).toBe(shown(row.previous));
      expect(number('evolution_points')).toBe(shown(row.change));
      expect(number('objectif_valeur')).toBe(r.target?.value ?? null);
      if (section.definition.measure !== 'growth') expect(number('numerateur')).toBe(r.numerator);
      expect(unquote(cells[col('remarque')]!)).toBe(row.remark ?? '');
      // A contract's documents are its sites': counted on their lines only.
      expect(number('pieces_dues')).toBe(row.informative || r.scope === 'contract' ? null : row.evidence.owed);
    });
    // The seed's share, 76 308 / 496 871 = 15,357… %, as the page shows it: 15,4.
    const oliviers = lines.find((c) => c[col('etablissement')] === 'Clinique des Oliviers' && c[col('code_indicateur')] === 'MO')!;
    expect(oliviers[col('valeur')]).toBe('15,4');
    expect(oliviers[col('part_budget_eur')]).toBe('126331');
  });

  it('prefixes text that starts like a formula with a single quote (OWASP), and only text', async () => {
    const { lines } = await readBack(csv);
    const cells = lines.flat();
    expect(cells).toContain(`'${HOSTILE.name}`);
    expect(cells).toContain(`'${HOSTILE.contract}`);
    // No cell read back starts like a formula: numbers aside, which a spreadsheet reads as numbers.
    for (const cell of cells) if (/^[=+@\t\r]/.test(cell) || (/^-/.test(cell) && parseFrenchNumber(cell) === null)) expect.fail(`cell starts like a formula: ${JSON.stringify(cell)}`);
    expect(csvText('-2+3')).toBe(`"'-2+3"`);
    expect(csvText('@SUM(A1:A9)')).toBe(`"'@SUM(A1:A9)"`);
    expect(csvText('\tTAB')).toBe(`"'\tTAB"`);
    expect(csvText('Dupont "le Jeune"; Nice')).toBe('"Dupont ""le Jeune""; Nice"');
    expect(csvText(null)).toBe('');
    // A negative number stays a number.
    expect(csvNumber(-2.5)).toBe('-2,5');
    expect(csvNumber(1e-7)).toBe('0,0000001');
    expect(csvNumber(Number.NaN)).toBe('');
  });

  it('keeps a field with the delimiter, quotes and a line break whole', async () => {
    const odd = summaryModel({ ...input, results: [result({ name: 'Clinique "du Port";\r\nsite 2', finess: '130000052', value: 1, numerator: 1, denominator: 100, status: 'met' })] });
    const { lines } = await readBack(buildSummaryCsv(odd));
    expect(lines).toHaveLength(1);
    expect(lines[0]![CSV_COLUMNS.indexOf('etablissement')]).toBe('Clinique "du Port";\r\nsite 2');
  });
});
