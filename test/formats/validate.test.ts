/**
 * Whole files through validateFile, the path both ingest and `caqes validate` take: the reader its
 * content calls for, the kind, every row, and one report code per bad file of the corpus.
 */
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import type { Establishment } from '../../lib/domain/schemas';
import { INGEST_LIMITS } from '../../lib/formats/limits';
import { recognise, type Recognition } from '../../lib/formats/registry';
import { toReport, validateFile, type Validation } from '../../lib/formats/validate';
import { parseDropKey } from '../../lib/store/keys';
import { deflatedZeros, odsPackage, workbook, zip } from '../helpers/archives';
import { payload } from './helpers';

const APHM = '130786049';
const ESTABLISHMENTS = new Map<string, Establishment>([
  [APHM, { finess: APHM, finessJuridique: '130786000', raisonSociale: 'AP-HM', region: 'PACA', categorie: 'ex-DG', contrat: 'C1', emails: [] }],
]);
const ARGUMENTAIRE = `evidence/2025-S2/${APHM}/argumentaire_hors_amm/u1-argumentaire`;

async function validate(key: string, bytes: Uint8Array, limits = INGEST_LIMITS): Promise<Validation> {
  const dropKey = parseDropKey(key);
  if (!dropKey) throw new Error(`not a drop-zone key: ${key}`);
  const recognition: Recognition = recognise(dropKey);
  return validateFile(
    {
      fileName: dropKey.fileName,
      size: bytes.length,
      open: async () =>
        (async function* () {
          for (let i = 0; i < bytes.length; i += 1000) yield bytes.subarray(i, i + 1000);
        })(),
    },
    recognition,
    {
      source: { key, version: 'v1' },
      fileName: dropKey.fileName,
      year: 'year' in dropKey ? dropKey.year : null,
      campaign: dropKey.zone === 'evidence' ? dropKey.campaign : null,
      finess: dropKey.zone === 'evidence' ? dropKey.finess : null,
      establishments: ESTABLISHMENTS,
    },
    limits,
  );
}

const codes = (v: Validation) => v.issues.listed.map((i) => `${i.severity} ${i.code}@${i.row}:${i.column}`);
const text = (s: string) => new TextEncoder().encode(s);
const ARG_HEADER = ['finess', 'ucd', 'libelle', 'code_indication', 'nb_ucd', 'argumentaire', 'amm_miroir', 'exclusion'];
const ARG_ROW = [APHM, '9391234', 'TÉMOZOLOMIDE', 'I999', '2', 'Astrocytome de grade 3 – avis RCP', 'I997001', 'non'];

describe('good and realistic messy files are accepted', () => {
  it('a Windows-1252 CSV with `;`, decimal commas, a BOM-less header, trailing blank lines', async () => {
    const csv = iconv.encode(`${ARG_HEADER.join(';')}\r\n${ARG_ROW.join(';')}\r\n${APHM};9400001;RITUXIMAB;I999;1,5;Exclu du périmètre, l’avis RCP;;oui\r\n\r\n;;;\r\n\r\n`, 'windows-1252');
    const v = await validate(`${ARGUMENTAIRE}.csv`, csv);
    expect(codes(v)).toEqual([]);
    expect(v).toMatchObject({ kind: 'argumentaire_hors_amm', format: 'csv', encoding: 'windows-1252', delimiter: ';', rowsRead: 2, rowsAccepted: 2 });
    expect(payload(v.output)).toMatchObject({ type: 'argumentaire', lines: 2, argued: 2, ucd: 3.5, arguedUcd: 3.5 });
  });

  it('a UTF-8 CSV with a BOM and commas', async () => {
    const csv = new Uint8Array([0xef, 0xbb, 0xbf, ...text(`${ARG_HEADER.join(',')}\n${ARG_ROW.join(',')}\n`)]);
    const v = await validate(`${ARGUMENTAIRE}.csv`, csv);
    expect(codes(v)).toEqual([]);
    expect(v).toMatchObject({ encoding: 'utf-8-bom', delimiter: ',' });
  });

  it('an .xlsx with a merged title row and a two-level merged header, numbers and FINESS as numbers', async () => {
    const xlsx = await workbook((wb) => {
      const ws = wb.addWorksheet('Argumentaire S2');
      ws.getCell('A1').value = 'Argumentaire des prescriptions hors AMM – S2 2025';
      ws.mergeCells('A1:H1');
      ws.getRow(3).values = ['finess', 'ucd', 'Prescription', null, null, 'Argumentation', null, null];
      ws.mergeCells('A3:A4');
      ws.mergeCells('B3:B4');
      ws.mergeCells('C3:E3');
      ws.mergeCells('F3:H3');
      ws.getRow(4).values = [null, null, 'libelle', 'code_indication', 'nb_ucd', 'argumentaire', 'amm_miroir', 'exclusion'];
      ws.getRow(5).values = [130786049, 9391234, 'TÉMOZOLOMIDE', 'I999', 2.5, 'Astrocytome de grade 3', 'I997001', 'non'];
      ws.getRow(6).values = [130786049, 9400001, 'RITUXIMAB', 'I999', 1, '', '', 'non'];
    });
    const v = await validate(`${ARGUMENTAIRE}.xlsx`, xlsx);
    expect(codes(v)).toEqual(['warning header-row@4:null']);
    expect(v).toMatchObject({ format: 'xlsx', sheet: 'Argumentaire S2', encoding: null, rowsRead: 2, rowsAccepted: 2 });
    expect(payload(v.output)).toMatchObject({ type: 'argumentaire', lines: 2, argued: 1, ucd: 3.5, arguedUcd: 2.5 });
  });

  it('an .ods with a merged title row and a two-level merged header, typed numbers and FINESS as a number', async () => {
    const s = (t: string, attributes = '') => `<table:table-cell office:value-type="string" ${attributes}><text:p>${t}</text:p></table:table-cell>`;
    const n = (v: number) => `<table:table-cell office:value-type="float" office:value="${v}"><text:p>${String(v).replace('.', ',')}</text:p></table:table-cell>`;
    const empty = (k: number) => `<table:table-cell table:number-columns-repeated="${k}"/>`;
    const covered = (k: number) => `<table:covered-table-cell table:number-columns-repeated="${k}"/>`;
    const row = (...cells: string[]) => `<table:table-row>${cells.join('')}</table:table-row>`;
    const ods = odsPackage(
      '<table:table table:name="Argumentaire S2">' +
        row(s('Argumentaire des prescriptions hors AMM – S2 2025', 'table:number-columns-spanned="8"'), covered(7), empty(1016)) +
        row(empty(1024)) +
        row(s('finess'), s('ucd'), s('Prescription', 'table:number-columns-spanned="3"'), covered(2), s('Argumentation', 'table:number-columns-spanned="3"'), covered(2)) +
        row(empty(2), s('libelle'), s('code_indication'), s('nb_ucd'), s('argumentaire'), s('amm_miroir'), s('exclusion')) +
        row(n(130786049), n(9391234), s('TÉMOZOLOMIDE'), s('I999'), n(2.5), s('Astrocytome de grade 3'), s('I997001'), s('non')) +
        row(n(130786049), n(9400001), s('RITUXIMAB'), s('I999'), n(1), empty(2), s('non')) +
        '<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="1024"/></table:table-row></table:table>',
    );
    const v = await validate(`${ARGUMENTAIRE}.ods`, ods);
    expect(codes(v)).toEqual(['warning header-row@4:null']);
    expect(v).toMatchObject({ format: 'ods', sheet: 'Argumentaire S2', encoding: null, rowsRead: 2, rowsAccepted: 2 });
    expect(payload(v.output)).toMatchObject({
      type: 'argumentaire',
      lines: 2,
      argued: 1,
      ucd: 3.5,
      arguedUcd: 2.5,
      ammMiroirLines: 1,
      ammMiroir: [{ code: 'I997001', ucd: '9391234' }],
      byUcd: [
        { ucd: '9391234', lines: 1, units: 2.5, arguedLines: 1, arguedUnits: 2.5 },
        { ucd: '9400001', lines: 1, units: 1, arguedLines: 0, arguedUnits: 0 },
      ],
    });
  });

  it('a workbook saved with a .csv name is read as the workbook it is', async () => {
    const xlsx = await workbook((wb) => {
      const ws = wb.addWorksheet('Feuil1');
      ws.addRow(ARG_HEADER);
      ws.addRow(ARG_ROW);
    });
    const v = await validate(`${ARGUMENTAIRE}.csv`, xlsx);
    expect(codes(v)).toEqual([]);
    expect(v.format).toBe('xlsx');
  });

  it('an extract with an unknown name is recognised from its header', async () => {
    const v = await validate('atih/2025/extraction janvier.csv', text(`finess;annee;mois;ucd;code_indication;nb_ucd;montant\n${APHM};2025;1;9391234;I999;2;200\n`));
    expect(v.kind).toBe('atih-mo');
    expect(codes(v)).toEqual([]);
  });
});

describe('the corpus of bad files: each refused with its own code, nothing given', () => {
  const good = `${ARG_HEADER.join(';')}\n${ARG_ROW.join(';')}\n`;

  it.each<[string, string, () => Promise<Uint8Array>, Partial<typeof INGEST_LIMITS>?]>([
    ['empty', 'error empty-file@null:null', async () => new Uint8Array(0)],
    ['only a header', 'error empty-file@null:null', async () => text(`${ARG_HEADER.join(';')}\n`)],
    ['binary bytes named .csv', 'error binary-file@null:null', async () => new Uint8Array([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0])],
    ['invalid UTF-8 after a valid start', 'error encoding-error', async () => new Uint8Array([...text(good), ...new Array(70_000).fill(0x61), 0xc3, 0x28, 0x0a])],
    ['wrong columns', 'error missing-column@1:code_indication', async () => text(`finess;ucd;libelle;indication_code;nb_ucd;argumentaire\n${APHM};9391234;X;I999;2;T\n`)],
    ['wrong types', 'error type-error@2:nb_ucd', async () => text(`${ARG_HEADER.join(';')}\n${APHM};9391234;X;I999;deux;T;I997001;non\n`)],
    ['an unclosed quote that runs to the end', 'error record-too-long', async () => text(`${ARG_HEADER.join(';')}\n${APHM};"9391234;${'x'.repeat(70_000)}\n`), { maxRecordChars: 50_000 }],
    ['more rows than allowed', 'error too-many-rows@4:null', async () => text(`${good}${ARG_ROW.join(';')}\n${ARG_ROW.join(';')}\n`), { maxRows: 2 }],
    ['a row wider than allowed', 'error too-many-cells@2:null', async () => text(`${ARG_HEADER.join(';')}\n${[...ARG_ROW, ...new Array(20).fill('x')].join(';')}\n`), { maxCellsPerRow: 10 }],
    ['bigger than the limit', 'error too-large@null:null', async () => text(good), { maxBytes: 10 }],
    ['an Excel 97-2003 workbook', 'error unreadable-file@null:null', async () => new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0])],
    ['a truncated workbook', 'error unreadable-file@null:null', async () => {
      const full = await workbook((wb) => wb.addWorksheet('S').addRow(ARG_HEADER));
      return full.subarray(0, Math.floor(full.length / 2));
    }],
    ['a zip bomb', 'error too-large@null:null', async () => zip([{ name: 'xl/worksheets/sheet1.xml', raw: await deflatedZeros(64) }]), { maxInflatedBytes: 16 * 1024 ** 2 }],
    ['a text file named .xlsx', 'error unreadable-file@null:null', async () => text(good)],
  ])('%s → %s', async (name, expected, bytes, limits) => {
    const key = name.includes('.xlsx') || name.includes('workbook') || name.includes('zip') ? `${ARGUMENTAIRE}.xlsx` : `${ARGUMENTAIRE}.csv`;
    const v = await validate(key, await bytes(), { ...INGEST_LIMITS, ...limits });
    expect(codes(v).join(' | ')).toContain(expected);
    expect(v.output).toBeNull();
    for (const issue of v.issues.listed) expect(issue.message).toMatch(/^[A-ZÉ].*\.$/);
  });

  it('explains in French what to do with a .xls workbook', async () => {
    const v = await validate(`${ARGUMENTAIRE}.xls`, new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]));
    // An argumentaire must be a table: the extension alone already says what the file is and what to do.
    expect(v.issues.listed.map((i) => i.message)).toEqual([
      'Type de fichier non reconnu : Argumentaire des prescriptions hors-AMM : classeur Excel 97-2003 (.xls), format qui n’est pas lu ; ouvrez-le dans Excel ou LibreOffice et enregistrez-le au format .xlsx (Classeur Excel), .ods ou .csv. Vérifiez le dossier de dépôt et le nom du fichier.',
    ]);
  });

  describe('a format that cannot be read names itself and says what to do, whatever its name', () => {
    const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
    const entry = (name: string) => [...Buffer.from(name.padEnd(32, '\0'), 'utf16le'), ...new Array(64).fill(0)];
    const unreadable = (detail: string) => [`Le fichier n’a pas pu être lu : ${detail}.`];
    const message = (v: Validation) => v.issues.listed.map((i) => i.message);

    it('an Excel 97-2003 workbook saved as .xlsx', async () => {
      const v = await validate(`${ARGUMENTAIRE}.xlsx`, new Uint8Array([...OLE, ...new Array(600).fill(0), ...entry('Root Entry'), ...entry('Workbook')]));
      expect(message(v)).toEqual(unreadable('classeur Excel 97-2003 (.xls), format qui n’est pas lu ; ouvrez-le dans Excel ou LibreOffice et enregistrez-le au format .xlsx (Classeur Excel), .ods ou .csv'));
    });

    it('a password-protected .xlsx (an OLE container of an encrypted package)', async () => {
      const v = await validate(`${ARGUMENTAIRE}.xlsx`, new Uint8Array([...OLE, ...new Array(2500).fill(7), ...entry('Root Entry'), ...entry('EncryptionInfo'), ...entry('EncryptedPackage')]));
      expect(codes(v)).toEqual(['error unreadable-file@null:null']);
      expect(message(v)[0]).toMatch(/^Le fichier n’a pas pu être lu : classeur protégé par un mot de passe, que personne d’autre ne peut ouvrir ; retirez le mot de passe/);
    });

    it('a password-protected .ods', async () => {
      const v = await validate(`${ARGUMENTAIRE}.ods`, odsPackage('', { encrypted: true, content: Buffer.alloc(300, 9) }));
      expect(message(v)).toEqual(
        unreadable('classeur OpenDocument (.ods) protégé par un mot de passe, que personne d’autre ne peut ouvrir ; dans LibreOffice, Fichier > Enregistrer sous, sans cocher « Enregistrer avec mot de passe », puis déposez-le à nouveau'),
      );
    });

    it('an Apple Numbers document, by its name or by its content', async () => {
      const numbers = zip([{ name: 'Index/Document.iwa', data: 'x' }]);
      const detail = 'document Apple Numbers (.numbers), format qui n’est pas lu ; dans Numbers, Fichier > Exporter vers > Excel (.xlsx) ou CSV, puis déposez le fichier exporté';
      expect(message(await validate(`${ARGUMENTAIRE}.xlsx`, numbers))).toEqual(unreadable(detail));
      expect(message(await validate('referential/objectifs-2025.numbers', numbers))).toEqual([`Type de fichier non reconnu : ${detail}. Vérifiez le dossier de dépôt et le nom du fichier.`]);
    });

    it('a CSV saved in UTF-16 ("Texte Unicode")', async () => {
      const v = await validate(`${ARGUMENTAIRE}.csv`, Buffer.from(`\ufeff${ARG_HEADER.join('\t')}\r\n${ARG_ROW.join('\t')}\r\n`, 'utf16le'));
      expect(message(v)).toEqual(
        unreadable('CSV enregistré en UTF-16 (« Texte Unicode » d’Excel), encodage qui n’est pas lu ; enregistrez-le au format « CSV UTF-8 (délimité par des virgules) » ou « CSV (séparateur : point-virgule) »'),
      );
    });
  });

  it('an extract of the ATIH zone whose columns match none of its kinds is refused, naming them', async () => {
    const v = await validate('atih/2025/notes.csv', text('a;b;c\n1;2;3\n'));
    expect(v.kind).toBeNull();
    expect(codes(v)).toEqual(['error unknown-kind@1:null']);
    expect(v.issues.listed[0]!.message).toContain('Extrait ATIH molécules onéreuses (liste en sus), PMSI FICHCOMP médicaments');
  });

  it('the report sums up the issues by code, exactly, beyond the listed ones', async () => {
    const rows = Array.from({ length: 250 }, () => `${APHM};9391234;X;I999;deux;T;I997001;non`);
    const v = await validate(`${ARGUMENTAIRE}.csv`, text(`${ARG_HEADER.join(';')}\n${rows.join('\n')}\n`));
    const report = toReport(v, { key: 'k', version: 'v', fileName: 'f.csv', checkedAt: '2026-01-01T00:00:00Z' });
    expect(report).toMatchObject({ status: 'rejected', errorCount: 250, truncated: true, issueCounts: { 'type-error': 250 } });
    expect(report.issues).toHaveLength(200);
  });
});
