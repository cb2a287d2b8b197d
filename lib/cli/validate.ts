import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';
import { DocumentKind, type Establishment } from '../domain/schemas';
import { recognise, tableKind, TABLE_KINDS, type Recognition } from '../formats/registry';
import { issuePlace, type ValidationReport } from '../formats/report';
import { refusedBeforeReading, toReport, validateFile } from '../formats/validate';
import { DROP_PREFIXES, dropKeyProblem, parseDropKey } from '../store/keys';
import { UsageError } from './usage';


export interface ValidateOptions {
  file: string;
  /** A table kind id (`atih-mo`, `ciblage`…) or a document kind (`plan_actions`…). */
  kind?: string;
  year?: number;
  campaign?: string;
  finess?: string;
  /** `etablissements.csv` to check FINESS against; found next to a drop-zone layout when not given. */
  referential?: string;
}

export interface LocalValidation {
  report: ValidationReport;
  /** The referential FINESS were checked against, or null when none was found. */
  referential: string | null;
}

/** Every value `--kind` accepts. */
export const KIND_CHOICES: readonly string[] = [...TABLE_KINDS.map((k) => k.id), ...DocumentKind.options.filter((d) => !TABLE_KINDS.some((k) => k.documentKind === d))];

function yearInName(name: string): number | null {
  const m = /(?:^|[^0-9])(20\d{2})(?:[^0-9]|$)/.exec(name);
  return m ? Number(m[1]) : null;
}

/** The drop-zone key a local path ends with (`…/atih/2025/mo-2025.csv`), and the folder above it. */
function dropZoneOf(path: string): { key: string; root: string } | null {
  const parts = resolve(path).split(sep);
  for (let i = parts.length - 2; i >= 0; i--) {
    if (!DROP_PREFIXES.includes(`${parts[i]}/` as (typeof DROP_PREFIXES)[number])) continue;
    const key = parts.slice(i).join('/');
    if (parseDropKey(key)) return { key, root: parts.slice(0, i).join(sep) || sep };
  }
  return null;
}

function recognitionFor(options: ValidateOptions, zone: { key: string } | null): Recognition {
  const name = basename(options.file);
  if (options.kind) {
    const table = tableKind(options.kind);
    if (table) return { tag: 'table', kinds: [table], year: options.year ?? (table.needsYear ? yearInName(name) : null) };
    const document = DocumentKind.safeParse(options.kind);
    if (document.success) return { tag: 'document', documentKind: document.data };
    throw new UsageError(`--kind « ${options.kind} » inconnu (valeurs possibles : ${KIND_CHOICES.join(', ')})`);
  }
  const dropKey = zone ? parseDropKey(zone.key) : null;
  if (dropKey) {
    const r = recognise(dropKey);
    return r.tag === 'table' && options.year !== undefined ? { ...r, year: options.year } : r;
  }
  const lower = name.toLowerCase();
  for (const kind of TABLE_KINDS) {
    const m = kind.name?.exec(lower);
    if (m) return { tag: 'table', kinds: [kind], year: options.year ?? (m[1] ? Number(m[1]) : yearInName(name)) };
  }
  return { tag: 'table', kinds: TABLE_KINDS, year: options.year ?? yearInName(name) };
}

async function findReferential(root: string): Promise<string | null> {
  const dir = join(root, 'referential');
  const names = await readdir(dir).catch(() => [] as string[]);
  const found = names.find((n) => /^etablissements.*\.(csv|txt|tsv|xlsx)$/i.test(n));
  return found ? join(dir, found) : null;
}

async function readEstablishments(path: string): Promise<Map<string, Establishment>> {
  const kind = tableKind('etablissements');
  if (!kind) throw new Error('the registry has no etablissements kind');
  const size = (await stat(path)).size;
  const v = await validateFile(
    { fileName: basename(path), size, open: async () => createReadStream(path) },
    { tag: 'table', kinds: [kind], year: null },
    { source: { key: path, version: 'local' }, fileName: basename(path), year: null, campaign: null, finess: null, establishments: null },
  );
  if (v.output?.type !== 'establishments') {
    const first = v.issues.listed.find((i) => i.severity === 'error');
    const where = first ? issuePlace(first) : '';
    throw new UsageError(
      `le référentiel ${path} est refusé (${v.issues.errors} erreur(s)${first ? `, dont ${where ? `${where} : ` : ''}${first.message}` : ''}) : corrigez-le d’abord (caqes validate ${path})`,
    );
  }
  return new Map(v.output.establishments.map((e) => [e.finess, e]));
}

/**
 * Validates a file on this machine exactly as ingest would in the drop zone: its kind from `--kind`,
 * from a drop-zone layout in its path, from its name, or from its header; FINESS checked against
 * the referential when one is given or found beside the drop-zone layout.
 * @throws UsageError for an unknown `--kind`, a missing file or a refused referential.
 */
export async function validateLocalFile(options: ValidateOptions): Promise<LocalValidation> {
  const size = await stat(options.file).then(
    (s) => (s.isFile() ? s.size : Number.NaN),
    () => Number.NaN,
  );
  if (Number.isNaN(size)) throw new UsageError(`fichier introuvable : ${options.file}`);
  const zone = dropZoneOf(options.file);
  const recognition = recognitionFor(options, zone);
  const referential = options.referential ?? (zone ? await findReferential(zone.root) : null);
  const establishments = referential ? await readEstablishments(referential) : null;
  const dropKey = zone ? parseDropKey(zone.key) : null;
  const evidence = dropKey?.zone === 'evidence' ? dropKey : null;
  const fileName = evidence?.fileName ?? basename(options.file);
  // The name rules of ingest: a name it would refuse in the drop zone is refused here too.
  const nameProblem = dropKeyProblem(zone?.key ?? basename(options.file));
  const validation = nameProblem ? refusedBeforeReading('unsafe-name', nameProblem) : await validateFile(
    { fileName, size, open: async () => createReadStream(options.file), path: options.file },
    recognition,
    {
      source: { key: options.file, version: 'local' },
      fileName,
      year: options.year ?? null,
      campaign: options.campaign ?? evidence?.campaign ?? null,
      finess: options.finess ?? evidence?.finess ?? null,
      establishments,
      // A file in a region's upload folder is checked as sent for that region, as ingest does.
      ...(dropKey && dropKey.zone !== 'evidence' && dropKey.region ? { region: dropKey.region } : {}),
    },
  );
  const report = toReport(validation, { key: options.file, version: 'local', fileName, checkedAt: new Date().toISOString() });
  return { report, referential };
}
