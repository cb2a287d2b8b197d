import { parseArgs } from 'node:util';
import { todayOf } from '../domain/clock';
import { renderAccount } from './account';
import { readingLabel, renderFileReport } from './report-text';
import { runPipeline } from './run';
import { UsageError } from './usage';
import { KIND_CHOICES, validateLocalFile } from './validate';

const USAGE = `Usage : caqes <commande> [options]

Commandes :
  run --data DOSSIER [--today AAAA-MM-JJ] [--out DOSSIER] [--json]
      Exécute tout le pipeline sur un dossier organisé comme la zone de dépôt
      (referential/, atih/<année>/, cpam/<année>/, evidence/…), sur l'environnement embarqué.

  validate FICHIER [--kind TYPE] [--year AAAA] [--campaign C] [--finess F] [--referential FICHIER] [--json]
      Vérifie un fichier comme à son dépôt et affiche son rapport (ligne, colonne, message).
      Code de sortie : 0 fichier accepté, 1 fichier refusé, 2 commande incorrecte.
      TYPE : ${KIND_CHOICES.join(', ')}.
`;

function parseYear(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d{4}$/.test(raw)) throw new UsageError('--year attend une année AAAA');
  return Number(raw);
}

async function validate(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      kind: { type: 'string' },
      year: { type: 'string' },
      campaign: { type: 'string' },
      finess: { type: 'string' },
      referential: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) throw new UsageError('validate attend un seul fichier');
  const { report, referential } = await validateLocalFile({
    file,
    kind: values.kind,
    year: parseYear(values.year),
    campaign: values.campaign,
    finess: values.finess,
    referential: values.referential,
  });
  if (values.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else {
    const lines = [
      `Fichier : ${file}`,
      `Type : ${report.kindLabel ?? 'non reconnu'}${report.kind ? ` (${report.kind})` : ''}`,
      ...(readingLabel(report) ? [`Lecture : ${readingLabel(report)}`] : []),
      `FINESS vérifiés contre : ${referential ?? 'aucun référentiel (indiquez --referential etablissements.csv)'}`,
      '',
      ...renderFileReport(report.fileName, report, { errors: 50, warnings: 20, reading: false }),
    ];
    process.stdout.write(lines.join('\n') + '\n');
  }
  return report.status === 'accepted' ? 0 : 1;
}

async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      data: { type: 'string' },
      today: { type: 'string' },
      out: { type: 'string', default: 'out/run' },
      json: { type: 'boolean', default: false },
    },
  });
  if (!values.data) throw new UsageError('--data est obligatoire');
  const today = values.today ?? todayOf(new Date());
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today) || Number.isNaN(Date.parse(today))) throw new UsageError('--today attend une date AAAA-MM-JJ');
  const result = await runPipeline({ dataDir: values.data, today, outDir: values.out });
  if (values.json) {
    process.stdout.write(
      JSON.stringify(
        {
          today: result.today,
          files: result.files.map((f) => ({ key: f.key, status: f.report?.status ?? null, errors: f.report?.errorCount ?? null, warnings: f.report?.warningCount ?? null })),
          indicators: result.indicators.length,
          emails: result.emails.length,
          summaries: result.summaries.map((s) => s.path),
          deadLetters: result.deadLetters.length,
          outDir: result.outDir,
        },
        null,
        2,
      ) + '\n',
    );
  } else {
    process.stdout.write(renderAccount(result) + '\n');
  }
  return result.deadLetters.length > 0 ? 1 : 0;
}

/** Exit codes: 0 done, 1 the pipeline left work undone, 2 bad usage. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run':
        return await run(rest);
      case 'validate':
        return await validate(rest);
      default:
        process.stderr.write(USAGE);
        return 2;
    }
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv.slice(2));
}
