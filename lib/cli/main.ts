import { parseArgs } from 'node:util';
import { todayOf } from '../domain/clock';
import { renderAccount } from './account';
import { runPipeline } from './run';

const USAGE = `Usage : caqes <commande> [options]

Commandes :
  run --data DOSSIER [--today AAAA-MM-JJ] [--out DOSSIER] [--json]
      Exécute tout le pipeline sur un dossier organisé comme la zone de dépôt
      (referential/, atih/<année>/, cpam/<année>/, evidence/…), sur l'environnement embarqué.
`;

class UsageError extends Error {}

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
