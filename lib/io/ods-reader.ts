/**
 * Streaming OpenDocument spreadsheet (`.ods`) reader: gives one sheet as the same `TableFile` as the
 * CSV and XLSX readers, cells turned into the text a CSV export would hold.
 *
 * Design: the file is read twice through the `open` factory.
 * 1. `checkZip` reads the whole archive and inflates every entry, counting, before anything is
 *    parsed (zip bombs, truncated or corrupt archives are refused there, as for `.xlsx`), keeping
 *    the small `mimetype` and `META-INF/manifest.xml`: a package that is not a spreadsheet or whose
 *    parts are encrypted (a password) is refused before its content is read.
 * 2. An ODS keeps every sheet in one part, `content.xml`, which may be most of the file: it is
 *    inflated again and given to saxes, a streaming XML parser, a slice at a time, and the rows of
 *    the sheet are handed over as they are completed, so that the part is never whole in memory.
 *    Reading stops at the end of the sheet: the sheets after it are not parsed.
 */
import { SaxesParser, type SaxesAttributeNS, type SaxesTagNS } from 'saxes';
import { decimalText, percentText } from './cell-text';
import { sheetTable, TableReadError, UnsupportedFormatError, type TableFile, type TableLimits, type TableRow } from './table';
import { checkZip, PartReader, type ByteSource } from './zip';

/** Which sheet to read. */
export interface OdsOptions {
  /** Its name (compared case-insensitively). Default: the first sheet. */
  sheet?: string;
}

const DEFAULT_MAX_INFLATED_BYTES = 256 * 1024 ** 2;
const DEFAULT_MAX_RECORD_CHARS = 1024 * 1024;
/** Cap on the `mimetype` and the manifest, which are held in memory. */
const MAX_KEPT_BYTES = 16 * 1024 ** 2;
/**
 * The most columns a row may reach with cells that hold something, whatever the limits say:
 * LibreOffice's own maximum. A cell repeated a billion times across the row is refused, not built.
 */
const MAX_COLUMNS = 16_384;
/** The most rows a sheet may have up to a row that holds something: LibreOffice's largest sheet. */
const MAX_SHEET_ROWS = 16_777_216;
const MIMETYPE = 'mimetype';
const MANIFEST = 'meta-inf/manifest.xml';
const CONTENT = 'content.xml';
const SPREADSHEET_TYPES = new Set(['application/vnd.oasis.opendocument.spreadsheet', 'application/vnd.oasis.opendocument.spreadsheet-template']);
const TABLE_NS = 'urn:oasis:names:tc:opendocument:xmlns:table:1.0';
const OFFICE_NS = 'urn:oasis:names:tc:opendocument:xmlns:office:1.0';
const TEXT_NS = 'urn:oasis:names:tc:opendocument:xmlns:text:1.0';
const CALCEXT_NS = 'urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0';

/** A completed row of the sheet, `repeat` times the same (`table:number-rows-repeated`). */
interface SheetRow {
  line: number;
  cells: string[];
  repeat: number;
}

function attribute(tag: SaxesTagNS, uri: string, local: string): string | undefined {
  for (const a of Object.values(tag.attributes) as SaxesAttributeNS[]) {
    if (a.uri === uri && a.local === local) return a.value;
  }
  return undefined;
}

/** A repetition count: a positive integer, 1 when absent or malformed. */
function repetition(value: string | undefined): number {
  if (value === undefined || !/^\d{1,10}$/.test(value)) return 1;
  return Math.max(1, Number(value));
}

/** `2025-03-31` or `2025-03-31T14:30:00(.sss)` as the XLSX reader writes dates: `yyyy-mm-dd`, with ` hh:mm` when there is a time. */
function dateText(value: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?/.exec(value);
  if (!m) return null;
  const [, date, hours = '00', minutes = '00', seconds = '00'] = m;
  if (hours === '00' && minutes === '00' && seconds === '00') return date as string;
  return `${date} ${hours}:${minutes}${seconds === '00' ? '' : `:${seconds}`}`;
}

/** An ISO duration `PT14H30M00S` as a time of day `14:30` (`:ss` when there are seconds). */
function timeText(value: string): string | null {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:\.\d+)?S)?$/.exec(value);
  if (!m) return null;
  const [, hours = '0', minutes = '0', seconds = '0'] = m;
  const two = (n: string): string => String(Number(n)).padStart(2, '0');
  return `${two(hours)}:${two(minutes)}${Number(seconds) ? `:${two(seconds)}` : ''}`;
}

/** A typed number attribute as text, or null when it is not a number (the cell's text is read then). */
function numberText(value: string | undefined, asPercent: boolean): string | null {
  if (value === undefined || value.trim() === '') return null;
  const n = Number(value);
  if (!Number.isFinite(n)) return null;
  return asPercent ? percentText(n) : decimalText(n);
}

/** What a cell reads as, from its type and typed value; its shown text when it has no typed value. */
function cellValue(cell: SaxesTagNS, shown: string): string {
  // A formula in error keeps a typed value of 0 beside the error it shows.
  if (attribute(cell, CALCEXT_NS, 'value-type') === 'error') return shown;
  const value = attribute(cell, OFFICE_NS, 'value');
  let typed: string | null = null;
  switch (attribute(cell, OFFICE_NS, 'value-type')) {
    case 'float':
    case 'currency':
      typed = numberText(value, false);
      break;
    case 'percentage':
      typed = numberText(value, true);
      break;
    case 'date':
      typed = dateText(attribute(cell, OFFICE_NS, 'date-value') ?? '');
      break;
    case 'time':
      typed = timeText(attribute(cell, OFFICE_NS, 'time-value') ?? '');
      break;
    case 'boolean': {
      const b = attribute(cell, OFFICE_NS, 'boolean-value');
      typed = b === 'true' ? 'oui' : b === 'false' ? 'non' : null;
      break;
    }
    case 'string':
      typed = attribute(cell, OFFICE_NS, 'string-value') ?? null;
      break;
  }
  return typed ?? shown;
}

/**
 * The rows of one sheet of `content.xml`, collected from saxes's events: the parser is fed slices
 * of the part and `take()` gives the rows each slice completed.
 */
class SheetParser {
  private readonly parser = new SaxesParser({ xmlns: true, position: false });
  private readonly ready: SheetRow[] = [];
  /** The sheet's name once its table opened; null before. */
  sheet: string | null = null;
  /** Whether the sheet was read to its end. */
  done = false;
  private tablesInside = 0;
  private line = 0;
  private row: string[] | null = null;
  private rowRepeat = 1;
  private column = 0;
  private cell: SaxesTagNS | null = null;
  private covered = false;
  private text = '';
  private paragraphs = 0;
  /** Open `text:p` (or `text:h`) elements of the cell, and ignored elements (annotations) around the text. */
  private inParagraph = 0;
  private ignored = 0;
  private error: Error | null = null;

  constructor(
    private readonly wanted: string | undefined,
    private readonly maxRecordChars: number,
    private readonly maxCells: number,
  ) {
    this.parser.on('opentag', (tag) => this.open(tag));
    this.parser.on('closetag', (tag) => this.close(tag));
    this.parser.on('text', (text) => this.append(text));
    this.parser.on('cdata', (text) => this.append(text));
    // What follows the end of the sheet, parsed with it in the same slice, does not matter.
    this.parser.on('error', (error) => {
      if (!this.done) this.error ??= error;
    });
  }

  /** Parses a slice of the part. @throws the first XML error met before the end of the sheet. */
  write(text: string): void {
    this.parser.write(text);
    if (this.error !== null) throw this.error;
  }

  end(): void {
    this.parser.close();
    if (this.error !== null) throw this.error;
  }

  take(): SheetRow[] {
    return this.ready.splice(0);
  }

  private open(tag: SaxesTagNS): void {
    if (this.done) return;
    if (tag.uri === TABLE_NS && tag.local === 'table') {
      if (this.sheet !== null) this.tablesInside++;
      else {
        const name = attribute(tag, TABLE_NS, 'name') ?? '';
        if (this.wanted === undefined || name.toLowerCase() === this.wanted) this.sheet = name;
      }
      return;
    }
    if (this.sheet === null || this.tablesInside > 0) return;
    if (tag.uri === TABLE_NS && tag.local === 'table-row') {
      this.row = [];
      this.rowRepeat = repetition(attribute(tag, TABLE_NS, 'number-rows-repeated'));
      this.column = 0;
    } else if (tag.uri === TABLE_NS && (tag.local === 'table-cell' || tag.local === 'covered-table-cell') && this.row !== null) {
      this.cell = tag;
      // A merged range shows the top-left cell's value only, as in an .xlsx; the covered cells may keep hidden text.
      this.covered = tag.local === 'covered-table-cell';
      this.text = '';
      this.paragraphs = 0;
    } else if (this.cell !== null) this.openInCell(tag);
  }

  private openInCell(tag: SaxesTagNS): void {
    // Comments and drawings anchored in the cell (office:annotation, draw:*) are not what it shows.
    if (this.ignored > 0 || tag.uri !== TEXT_NS) {
      this.ignored++;
      return;
    }
    if (tag.local === 'p' || tag.local === 'h') {
      if (this.inParagraph === 0 && this.paragraphs++ > 0) this.add('\n');
      this.inParagraph++;
    } else if (this.inParagraph > 0) {
      if (tag.local === 's') this.add(' ', repetition(attribute(tag, TEXT_NS, 'c')));
      else if (tag.local === 'tab') this.add('\t');
      else if (tag.local === 'line-break') this.add('\n');
    }
  }

  private close(tag: SaxesTagNS): void {
    if (this.done || this.sheet === null) return;
    if (tag.uri === TABLE_NS && tag.local === 'table') {
      if (this.tablesInside > 0) this.tablesInside--;
      else this.done = true;
      return;
    }
    if (this.tablesInside > 0) return;
    if (this.cell !== null && this.ignored > 0) {
      this.ignored--;
      return;
    }
    if (tag.uri === TEXT_NS && (tag.local === 'p' || tag.local === 'h') && this.inParagraph > 0) this.inParagraph--;
    else if (tag.uri === TABLE_NS && (tag.local === 'table-cell' || tag.local === 'covered-table-cell') && this.cell !== null) this.endCell();
    else if (tag.uri === TABLE_NS && tag.local === 'table-row' && this.row !== null) this.endRow();
  }

  private append(text: string): void {
    if (this.cell !== null && this.inParagraph > 0 && this.ignored === 0) this.add(text);
  }

  private add(text: string, times = 1): void {
    if (this.text.length + text.length * times > this.maxRecordChars) {
      throw new TableReadError('too-large', `Cell longer than ${this.maxRecordChars} characters`, this.line + 1);
    }
    this.text += times === 1 ? text : text.repeat(times);
  }

  private endCell(): void {
    const cell = this.cell as SaxesTagNS;
    const row = this.row as string[];
    const repeat = repetition(attribute(cell, TABLE_NS, 'number-columns-repeated'));
    const value = this.covered ? '' : cellValue(cell, this.text);
    if (value.length > this.maxRecordChars) throw new TableReadError('too-large', `Cell longer than ${this.maxRecordChars} characters`, this.line + 1);
    if (value.trim() !== '') {
      const width = this.column + repeat;
      if (width > this.maxCells || width > MAX_COLUMNS) {
        throw new TableReadError('too-many-cells', `More than ${Math.min(this.maxCells, MAX_COLUMNS)} cells in a row`, this.line + 1);
      }
      while (row.length < this.column) row.push('');
      for (let k = 0; k < repeat; k++) row.push(value);
    }
    this.column += repeat;
    this.cell = null;
    this.inParagraph = 0;
  }

  private endRow(): void {
    const cells = this.row as string[];
    if (cells.length > 0) {
      if (this.line + this.rowRepeat > MAX_SHEET_ROWS) throw new TableReadError('too-many-rows', `More than ${MAX_SHEET_ROWS} rows in the sheet`, this.line + 1);
      this.ready.push({ line: this.line + 1, cells, repeat: this.rowRepeat });
    }
    // Blank rows repeated to the end of the sheet (LibreOffice writes them) are only counted.
    this.line += this.rowRepeat;
    this.row = null;
  }
}

/** An error met while saxes parses the sheet, as TableReadError. */
function unreadable(error: unknown): TableReadError {
  if (error instanceof TableReadError) return error;
  return new TableReadError('unreadable-file', `Unreadable spreadsheet: ${error instanceof Error ? error.message : String(error)}`);
}

/** Checks the package: a spreadsheet, not encrypted, with its content part. */
function checkPackage(kept: Map<string, Buffer>): void {
  const mimetype = kept.get(MIMETYPE)?.toString('utf8').trim();
  if (mimetype === undefined || !SPREADSHEET_TYPES.has(mimetype)) {
    throw new TableReadError('unreadable-file', `Not an OpenDocument spreadsheet (mimetype ${mimetype ?? 'absent'})`);
  }
  // A password encrypts every part and says how in the manifest.
  if (/<(?:[\w.-]+:)?encryption-data[\s>/]/.test(kept.get(MANIFEST)?.toString('utf8') ?? '')) {
    throw new UnsupportedFormatError('encrypted-ods', 'Password-protected OpenDocument spreadsheet');
  }
}

/**
 * Whether the first bytes of a file are those of an OpenDocument spreadsheet: a zip whose first
 * entry is `mimetype`, stored, naming a spreadsheet, as the OpenDocument package requires (so that
 * a file is recognised from its first 128 bytes).
 *
 * @returns true for an `.ods` (or `.ots`) package. Never throws.
 */
export function isOdsHead(head: Uint8Array): boolean {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (b.length < 30 || b.readUInt32LE(0) !== 0x04034b50 || b.readUInt16LE(8) !== 0) return false;
  const nameLength = b.readUInt16LE(26);
  const start = 30 + nameLength + b.readUInt16LE(28);
  if (b.toString('latin1', 30, 30 + nameLength) !== MIMETYPE) return false;
  const mimetype = b.toString('latin1', start, start + Math.min(b.readUInt32LE(18), 128));
  return SPREADSHEET_TYPES.has(mimetype);
}

/**
 * Opens one sheet of an OpenDocument spreadsheet, given as a factory of byte streams of the whole
 * file (called twice: once to check the archive, then to read `content.xml`), reads its header and
 * returns its rows as a lazy, single-use async iterable, like `openXlsx`.
 *
 * Rows and cells are read as `openXlsx` reads them: the header is the first non-blank row, rows
 * are numbered by the sheet (a row repeated with `table:number-rows-repeated` counts, and is given,
 * that many times), blank rows count in the next row's `blankBefore`, cells are placed by column
 * (`table:number-columns-repeated` repeats a cell), '' where empty, trailing empty cells left out.
 * A cell reads as its typed value: numbers and currencies in plain decimal with a point (`24455.2`),
 * percentages as the percentage shown with its sign (`office:value` 0.153 gives `15.3%`), dates
 * `yyyy-mm-dd` (plus ` hh:mm` with a time of day), times `hh:mm`, booleans `oui`/`non`, strings
 * and untyped cells their text (paragraphs joined by a line break, `text:s` spaces, comments left
 * out), formulas their last calculated result, errors the code shown (`#N/A`). In a merged range
 * only the top-left cell has a value.
 *
 * The file being read is closed when iteration ends or is abandoned (`break`), or by `close()`.
 *
 * @returns the opened sheet.
 * @throws TableReadError `empty-file` (no bytes, no sheet, or no non-blank row), `too-large` (more
 * than `maxBytes` bytes, parts inflating to more than `maxInflatedBytes` together, a header cell
 * longer than `maxRecordChars`), `too-many-cells` (header wider than the limit), `unreadable-file`
 * (not a zip, not a spreadsheet package, truncated or corrupt, no `content.xml`, malformed XML, no
 * sheet of the requested name); UnsupportedFormatError `encrypted-ods` for a password-protected
 * file. Iterating `rows` throws TableReadError `too-many-rows`, `too-many-cells`, `too-large` with
 * `line` set to the sheet row, and `unreadable-file`. Errors of the byte streams are passed through.
 */
export async function openOds(open: () => Promise<ByteSource>, limits: TableLimits = {}, options: OdsOptions = {}): Promise<TableFile> {
  const maxRows = limits.maxRows ?? Number.POSITIVE_INFINITY;
  const maxCells = limits.maxCellsPerRow ?? Number.POSITIVE_INFINITY;
  const maxRecordChars = limits.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS;
  const { parts, kept } = await checkZip(
    await open(),
    { maxBytes: limits.maxBytes ?? Number.POSITIVE_INFINITY, maxInflatedBytes: limits.maxInflatedBytes ?? DEFAULT_MAX_INFLATED_BYTES, maxKeptBytes: MAX_KEPT_BYTES },
    new Set([MIMETYPE, MANIFEST]),
  );
  checkPackage(kept);
  const content = parts.find((p) => p.name.toLowerCase() === CONTENT);
  if (content === undefined) throw new TableReadError('unreadable-file', `Not an OpenDocument spreadsheet: no ${CONTENT}`);

  const sheet = new SheetParser(options.sheet?.toLowerCase(), maxRecordChars, maxCells);
  let reader: PartReader | null = null;
  let closed = false;

  async function close(): Promise<void> {
    closed = true;
    await reader?.close();
  }

  /** The completed rows of the sheet, a slice of `content.xml` at a time. */
  async function* sheetRows(): AsyncGenerator<SheetRow[], void, undefined> {
    reader = new PartReader(await open());
    const decoder = new TextDecoder('utf-8', { fatal: true });
    try {
      for await (const chunk of reader.read(content as NonNullable<typeof content>)) {
        if (closed) return;
        try {
          sheet.write(decoder.decode(chunk, { stream: true }));
        } catch (error) {
          throw unreadable(error);
        }
        const rows = sheet.take();
        if (rows.length > 0) yield rows;
        if (sheet.done) return;
      }
      try {
        sheet.write(decoder.decode());
        sheet.end();
      } catch (error) {
        throw unreadable(error);
      }
      const rows = sheet.take();
      if (rows.length > 0) yield rows;
    } catch (error) {
      // A read stopped by close() ends quietly.
      if (closed) return;
      throw error;
    } finally {
      await reader.close();
    }
  }

  async function* records(): AsyncGenerator<TableRow, void, undefined> {
    let lastNonBlank = 0;
    for await (const rows of sheetRows()) {
      for (const row of rows) {
        for (let k = 0; k < row.repeat; k++) {
          if (closed) return;
          const line = row.line + k;
          const cells = k === 0 ? row.cells : [...row.cells];
          const blanks = line - lastNonBlank - 1;
          lastNonBlank = line;
          yield blanks > 0 ? { line, cells, blankBefore: blanks } : { line, cells };
        }
      }
    }
    if (sheet.sheet === null && !closed) {
      throw options.sheet === undefined
        ? new TableReadError('empty-file', 'The spreadsheet has no sheet')
        : new TableReadError('unreadable-file', `No sheet named "${options.sheet}"`);
    }
  }

  return sheetTable(records(), { format: 'ods', name: () => sheet.sheet, emptySheet: 'The sheet has no non-blank row', maxRows, maxCells, close });
}
