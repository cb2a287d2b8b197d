/**
 * The fast path of ingest (the quote-free scan of the CSV reader, then readTabular's cell by cell
 * reading) against the papaparse path, at the level of a whole ATIH MO file: the same facts and
 * the same issues (codes, rows, columns, values, messages, counts) on generated extracts with bad
 * rows, blank lines, quoted cells, titles and extra columns mixed in. And the facts themselves
 * against sums made here, code by code, for the indication codes the accumulator reads without
 * upper-casing them.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { openCsv } from '../../lib/io/csv-reader';
import { atihMoFormat } from '../../lib/formats/kinds/atih-mo';
import { readTabular } from '../../lib/formats/tabular';
import type { MoFact } from '../../lib/domain/schemas';
import { context, referential } from './helpers';

const KNOWN = ['130786049', '130001647', '2A0000014'];
const ESTABLISHMENTS = referential(...KNOWN);

const CELLS = {
  finess: [...KNOWN, ...KNOWN, '440053643', '130786048', '60002011', 'X'],
  annee: ['2025', '2025', '2025', '2024', 'abc', ''],
  mois: ['1', '2', '12', '', '13', '07'],
  ucd: ['9391234', '3400893912345', '0000009391234', '939123', ''],
  libelle: ['', 'KEYTRUDA 25 mg/ml', 'Rituximab – biosimilaire', 'l’œil à 10 €', 'DIURETIQUES "LOW-CEILING"', 'a;b', '"quoted"'],
  code_indication: ['I999', 'I999999', 'i997001', 'I001234', '', 'I99X', '999', 'ı999', ' I997 '],
  nb_ucd: ['2', '2,5', '10', 'trois', '-1', '', '1 234'],
  montant: ['200', '1 200,25', '6 625,00 €', '', 'x', '-50'],
};
const COLUMNS = Object.keys(CELLS) as (keyof typeof CELLS)[];

const rowArb = fc.record(Object.fromEntries(COLUMNS.map((c) => [c, fc.constantFrom(...CELLS[c])])) as { [K in keyof typeof CELLS]: fc.Arbitrary<string> });

const fileArb = fc.record({
  rows: fc.array(fc.oneof({ weight: 12, arbitrary: rowArb }, { weight: 1, arbitrary: fc.constant(null) }), { minLength: 1, maxLength: 60 }),
  encoding: fc.constantFrom('windows-1252', 'utf-8'),
  newline: fc.constantFrom('\r\n', '\n'),
  title: fc.boolean(),
  extraColumn: fc.boolean(),
  quoteAll: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  chunk: fc.integer({ min: 1, max: 500 }),
});

type GeneratedFile = typeof fileArb extends fc.Arbitrary<infer F> ? F : never;

function bytesOf(f: GeneratedFile): Uint8Array {
  const cell = (text: string): string => (f.quoteAll || text.includes(';') || text.startsWith('"') ? `"${text.replaceAll('"', '""')}"` : text);
  const header = ['FINESS', 'Année', 'Mois', 'UCD', 'Libellé', 'Code_Indication', 'Nb_UCD', 'Montant', ...(f.extraColumn ? ['GHM'] : [])];
  const lines = [...(f.title ? ['Extrait ATIH du 12/01/2026'] : []), header.join(';')];
  for (const row of f.rows) lines.push(row === null ? '' : [...COLUMNS.map((c) => cell(row[c])), ...(f.extraColumn ? ['28Z07Z'] : [])].join(';'));
  const text = lines.join(f.newline) + f.newline;
  return f.encoding === 'windows-1252' ? new Uint8Array(iconv.encode(text, 'windows-1252')) : new TextEncoder().encode(text);
}

async function ingest(bytes: Uint8Array, chunk: number, parser: 'auto' | 'papaparse') {
  const file = await openCsv(
    (async function* () {
      for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
    })(),
    {},
    { parser },
  );
  const outcome = await readTabular(atihMoFormat, file, context({ year: 2025, establishments: ESTABLISHMENTS }));
  return {
    encoding: file.encoding,
    rowsRead: outcome.rowsRead,
    rowsAccepted: outcome.rowsAccepted,
    errors: outcome.issues.errors,
    warnings: outcome.issues.warnings,
    counts: outcome.issues.counts,
    issues: outcome.issues.listed,
    output: outcome.output,
  };
}

describe('ATIH MO: the fast path against the papaparse path', () => {
  it('gives the same facts and the same issues on generated extracts with bad rows', async () => {
    await fc.assert(
      fc.asyncProperty(fileArb, async (f) => {
        const bytes = bytesOf(f);
        const reference = await ingest(bytes, f.chunk, 'papaparse');
        expect(await ingest(bytes, f.chunk, 'auto')).toEqual(reference);
      }),
      { numRuns: 200 },
    );
  });
});

describe('ATIH MO facts against sums made by hand', () => {
  it('counts I999, I997 and the coding anomalies as the upper-cased code reads', async () => {
    const codes = ['I999', 'i999', 'I999999', 'I997', 'i997001', 'I9970', 'I001234', 'ı999', 'I99X', '999', 'I12', 'I1234567', '', ' i999 '];
    const line = fc.record({ finess: fc.constantFrom(...KNOWN), month: fc.integer({ min: 1, max: 3 }), code: fc.constantFrom(...codes), units: fc.integer({ min: 0, max: 50 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 40 }), async (lines) => {
        const text = ['finess;annee;mois;ucd;code_indication;nb_ucd;montant', ...lines.map((l) => `${l.finess};2025;${l.month};9391234;${l.code};${l.units};${l.units * 10}`)].join('\r\n');
        const { output } = await ingest(new TextEncoder().encode(text), 64, 'auto');
        if (output?.type !== 'mo-facts') throw new Error('expected MO facts');
        const expected = new Map<string, Pick<MoFact, 'lines' | 'totalUcd' | 'i999Ucd' | 'i999Amount' | 'i997Ucd' | 'anomalies'>>();
        for (const l of lines) {
          const id = `${l.finess}#${l.month}`;
          const e = expected.get(id) ?? { lines: 0, totalUcd: 0, i999Ucd: 0, i999Amount: 0, i997Ucd: 0, anomalies: { missingIndication: { lines: 0, ucd: 0 }, invalidIndication: { lines: 0, ucd: 0, examples: [] }, invalidUcd: { lines: 0, ucd: 0, examples: [] } } };
          expected.set(id, e);
          e.lines++;
          e.totalUcd += l.units;
          const code = l.code.trim().toUpperCase();
          if (code === '') {
            e.anomalies.missingIndication.lines++;
            e.anomalies.missingIndication.ucd += l.units;
          } else if (!/^I\d{3,6}$/.test(code)) {
            e.anomalies.invalidIndication.lines++;
            e.anomalies.invalidIndication.ucd += l.units;
            if (e.anomalies.invalidIndication.examples.length < 5 && !e.anomalies.invalidIndication.examples.includes(code)) e.anomalies.invalidIndication.examples.push(code);
          } else if (code === 'I999' || code === 'I999999') {
            e.i999Ucd += l.units;
            e.i999Amount += l.units * 10;
          } else if (code.startsWith('I997')) e.i997Ucd += l.units;
        }
        const actual = new Map(output.facts.map((f) => [`${f.finess}#${f.month}`, { lines: f.lines, totalUcd: f.totalUcd, i999Ucd: f.i999Ucd, i999Amount: f.i999Amount, i997Ucd: f.i997Ucd, anomalies: f.anomalies }]));
        expect(actual).toEqual(expected);
        // Facts in the order of their first line, as the report lists them.
        expect(output.facts.map((f) => `${f.finess}#${f.month}`)).toEqual([...expected.keys()]);
      }),
      { numRuns: 150 },
    );
  });
});
