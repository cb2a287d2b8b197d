import { parseArgs } from 'node:util';
import { todayOf } from '../domain/clock';
import { formatFrenchDate } from '../io/french';
import type { PortalTarget } from './link';
import { StateError } from '../local/state-error';
import { readingLabel, renderFileReport } from './report-text';
import { awsFailure } from './aws-failure';
import { UsageError } from './usage';
import { KIND_CHOICES, validateLocalFile } from './validate';

/** Set by bin/cli-bundle.mjs: the bundled worker of a large extract's second half. */
export { useSecondHalfWorker } from '../formats/halves';

// Each command's modules are loaded when it runs: `caqes validate` needs no emulator, SDK or portal,
// and loading them all took seconds of every command's start.

const USAGE = `Usage : caqes <commande> [options]

Commandes :
  run --data DOSSIER [--state ÉTAT] [--today AAAA-MM-JJ] [--out DOSSIER] [--json]
      Exécute tout le pipeline sur un dossier organisé comme la zone de dépôt
      (referential/, atih/<année>/, cpam/<année>/, evidence/…), sur l'environnement embarqué.
      Avec --state, sur l'état conservé dans ÉTAT : seuls les fichiers nouveaux ou modifiés
      (clé et ETag) sont déposés, pour rejouer une campagne jour après jour.

  remind [--data DOSSIER] [--state ÉTAT] [--today AAAA-MM-JJ] [--dry-run] [--json]
      Charge un dossier organisé comme la zone de dépôt puis lance les relances du jour : à qui,
      pour quelle échéance, ce qui manque encore, et la synthèse de l'OMéDIT. --dry-run n'envoie rien.
      Avec --state, une relance déjà envoyée ne l'est jamais une seconde fois.

  replay --dlq-arn ARN
      Sur une pile déployée : renvoie les messages de la file d'erreurs (sorties IngestDlqArn ou
      ComputeDlqArn) vers leur file, une fois la cause corrigée, et dit où en est le renvoi.

  validate FICHIER [--kind TYPE] [--year AAAA] [--campaign C] [--finess F] [--referential FICHIER] [--json]
      Vérifie un fichier comme à son dépôt et affiche son rapport (ligne, colonne, message).
      Code de sortie : 0 fichier accepté, 1 fichier refusé, 2 commande incorrecte.
      TYPE : ${KIND_CHOICES.join(', ')}.

  summary --campaign C --region R --out FICHIER.xlsx [--data DOSSIER] [--state ÉTAT] [--today AAAA-MM-JJ]
          [--html FICHIER] [--csv FICHIER]
      Construit la synthèse régionale d'une campagne (C : 2025, 2025-S1 ou 2025-S2, soit son année)
      pour l'ARS et l'Assurance Maladie : le classeur, la page visuelle (HTML imprimable sur une page
      A4) et l'export CSV des indicateurs, ces deux derniers à côté du classeur sauf --html / --csv.
      Les données viennent d'un dossier organisé comme la zone de dépôt (events/sample par défaut),
      traité comme par run sur l'environnement embarqué.
      Code de sortie : 0 fait, 1 des traitements ont fini en file d'erreurs, 2 commande incorrecte.

  serve [--port P] [--state ÉTAT] [--data DOSSIER] [--today AAAA-MM-JJ]
      Lance le portail sur http://127.0.0.1:P (8080 par défaut) avec l'environnement embarqué :
      page de dépôt des établissements, espace OMéDIT et API. L'état (fichiers, base, comptes,
      liens, relances, e-mails) est conservé dans ÉTAT (par défaut CAQES_STATE, sinon
      ~/.local/share/caqes/etat). --data charge d'abord les fichiers nouveaux d'un dossier comme
      run. --today fait partir l'horloge de ce jour (elle avance ensuite avec le temps réel).
      Relances chaque jour à 6 h 00 et synthèses à 6 h 30 (heure de Paris). Arrêt : Ctrl+C.

  link --finess F --campaign C [--days N] [--revoke] [--state ÉTAT] [--json]
      Crée le lien de dépôt personnel d'un établissement pour une campagne (valable N jours,
      30 par défaut), ou avec --revoke désactive tous ses liens pour cette campagne. S'adresse au
      portail lancé par « caqes serve », ou à CAQES_PORTAL_URL avec le jeton CAQES_STAFF_TOKEN.
      Code de sortie : 0 fait, 1 refusé par le portail, 2 commande incorrecte.

  report --contract C --campaign C --out FICHIER.html|FICHIER.pdf [--region R] [--state ÉTAT]
      Exporte le rapport annuel d'auto-évaluation d'un contrat (campagne 2025, 2025-S1 ou 2025-S2,
      soit son année) : la page imprimable (.html) ou sa version PDF, imprimée par le Chromium de
      cette machine (.pdf). S'adresse au portail lancé par « caqes serve », ou à CAQES_PORTAL_URL
      avec le jeton CAQES_STAFF_TOKEN. --region seulement si deux régions ont un contrat de ce nom.
      Code de sortie : 0 fait, 1 refusé par le portail (ou PDF impossible), 2 commande incorrecte.

  user add --role ROLE --region R [--region R2] --email E [--password-file F] [--state ÉTAT]
  user list [--json] | user disable --email E | user reset --email E   (chacune avec [--state ÉTAT])
      Comptes locaux du portail lancé par « caqes serve » (ROLE : omedit, ars, assurance_maladie,
      admin ; l'administrateur n'a pas de région). Sans --password-file, un mot de passe est tiré
      au hasard et affiché une seule fois. Sur AWS, les comptes se gèrent depuis la page de
      l'administrateur (Cognito). Code de sortie : 0 fait, 2 commande incorrecte.

  mail list [--state ÉTAT] [--to ADRESSE] [--json]
      Les e-mails de l'environnement embarqué : envoyés par le relais SMTP, ou conservés ici quand
      aucun relais n'est configuré (CAQES_SMTP_HOST… ou smtp.json dans ÉTAT, voir le README).

  backup --state ÉTAT --out FICHIER
  restore --state DOSSIER_VIDE --from FICHIER
      Sauvegarde l'état (même pendant qu'un « caqes serve » tourne dessus) dans un seul fichier,
      ou le restaure dans un dossier vide. Le fichier contient la clé des liens : gardez-le à l'abri.

  Avec --state, link, report et user passent par le « caqes serve » lancé sur cet état, sinon
  ouvrent l'état eux-mêmes. Un état illisible ou étranger est signalé (code de sortie 3), jamais
  remplacé.
`;

function parseYear(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d{4}$/.test(raw)) throw new UsageError('--year attend une année AAAA');
  return Number(raw);
}

async function remind(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      data: { type: 'string' },
      state: { type: 'string' },
      today: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  if (!values.data && !values.state) throw new UsageError('--data ou --state est obligatoire');
  const today = parseToday(values.today);
  const { remindJson, remindOnData, renderRemindRun } = await import('./remind');
  const run = await remindOnData({ dataDir: values.data, stateDir: values.state, today, dryRun: values['dry-run'] });
  process.stdout.write((values.json ? JSON.stringify(remindJson(run, today), null, 2) : renderRemindRun(run, today, values['dry-run'])) + '\n');
  return 0;
}

async function replay(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { 'dlq-arn': { type: 'string' } } });
  if (!values['dlq-arn']) throw new UsageError('--dlq-arn est obligatoire');
  const { renderRedrive, replayDeadLetters } = await import('./replay');
  process.stdout.write(renderRedrive(await replayDeadLetters(values['dlq-arn'])) + '\n');
  return 0;
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

function parseToday(raw: string | undefined): string {
  const today = raw ?? todayOf(new Date());
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today) || Number.isNaN(Date.parse(today))) throw new UsageError('--today attend une date AAAA-MM-JJ');
  return today;
}

async function summary(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      campaign: { type: 'string' },
      region: { type: 'string' },
      out: { type: 'string' },
      html: { type: 'string' },
      csv: { type: 'string' },
      data: { type: 'string' },
      state: { type: 'string' },
      today: { type: 'string' },
    },
  });
  // Without a state, the sample is the default folder; with one, the state may hold the campaign already.
  const dataDir = values.data ?? (values.state ? undefined : 'events/sample');
  const { renderSummaryWritten, writeSummary } = await import('./summary');
  const written = await writeSummary({ ...values, dataDir, stateDir: values.state, today: parseToday(values.today) });
  process.stdout.write(renderSummaryWritten(written) + '\n');
  return written.deadLetters > 0 ? 1 : 0;
}

async function serve(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { port: { type: 'string', default: '8080' }, data: { type: 'string' }, today: { type: 'string' }, state: { type: 'string' } } });
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65_535) throw new UsageError('--port attend un numéro de port');
  const [{ renderServing, startServe }, { defaultStateDir }] = await Promise.all([import('./serve'), import('../local/state')]);
  const serving = await startServe({
    port,
    dataDir: values.data,
    today: parseToday(values.today),
    simulated: values.today !== undefined,
    stateDir: values.state ?? defaultStateDir(),
    dailyJobs: true,
  });
  process.stdout.write(renderServing(serving) + '\n');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await serving.stop();
  return 0;
}

async function link(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      finess: { type: 'string' },
      campaign: { type: 'string' },
      days: { type: 'string' },
      revoke: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      state: { type: 'string' },
    },
  });
  if (!values.finess || !values.campaign) throw new UsageError('--finess et --campaign sont obligatoires');
  if (values.days !== undefined && !/^\d+$/.test(values.days)) throw new UsageError('--days attend un nombre de jours');
  if (values.days !== undefined && values.revoke) throw new UsageError('--days ne va pas avec --revoke');
  const request = { finess: values.finess, campaign: values.campaign, days: values.days === undefined ? undefined : Number(values.days), revoke: values.revoke };
  const { linkCommand } = await import('./link');
  const result = await onPortal(values.state, 'link', (target) => linkCommand(target, request));
  if (!result.ok) {
    process.stderr.write(`Refusé : ${result.message}\n`);
    return 1;
  }
  if (values.json) process.stdout.write(JSON.stringify('link' in result ? result.link : { revoked: result.revoked }, null, 2) + '\n');
  else if ('link' in result) {
    const until = formatFrenchDate(todayOf(new Date(result.link.expiresAt)));
    process.stdout.write(`Lien de dépôt de ${result.link.establishment} (${values.finess}), campagne ${values.campaign}, valable jusqu’au ${until} :\n${result.link.url}\n`);
  } else process.stdout.write(`${result.revoked} lien(s) désactivé(s) pour ${values.finess}, campagne ${values.campaign}.\n`);
  return 0;
}

/** Runs `work` against the portal of a state folder (`--state`), else the deployed or running one. */
async function onPortal<T>(stateDir: string | undefined, command: string, work: (target: PortalTarget) => Promise<T>): Promise<T> {
  if (!stateDir) return work(await (await import('./link')).portalTarget());
  const portal = await (await import('./state-portal')).statePortal(stateDir, command);
  try {
    return await work(portal.target);
  } finally {
    await portal.close();
  }
}

async function report(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { contract: { type: 'string' }, campaign: { type: 'string' }, out: { type: 'string' }, region: { type: 'string' }, state: { type: 'string' } },
  });
  const { state, ...options } = values;
  const { reportCommand } = await import('./report');
  const done = await onPortal(state, 'report', (target) => reportCommand(target, options));
  if (!done.ok) {
    process.stderr.write(`Refusé : ${done.message}\n`);
    return 1;
  }
  process.stdout.write(`Rapport d’auto-évaluation ${done.year} du contrat ${done.contract} (${done.region}) écrit en ${done.format.toUpperCase()} : ${done.out}\n`);
  return 0;
}

async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      data: { type: 'string' },
      today: { type: 'string' },
      out: { type: 'string', default: 'out/run' },
      json: { type: 'boolean', default: false },
      state: { type: 'string' },
    },
  });
  if (!values.data) throw new UsageError('--data est obligatoire');
  const today = parseToday(values.today);
  const [{ runPipeline }, { renderAccount }] = await Promise.all([import('./run'), import('./account')]);
  const result = await runPipeline({ dataDir: values.data, today, outDir: values.out, stateDir: values.state });
  if (values.json) {
    process.stdout.write(
      JSON.stringify(
        {
          today: result.today,
          unchanged: result.unchanged,
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
/**
 * The AWS SDK warns in English, over seven lines, that its versions of 2027 will need Node 22: it
 * says nothing about what the command does, so the command's French output stays free of it. The
 * README's Dependencies say which Node the project needs. A value set by the user is kept.
 */
function quietSdkNodeWarning(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}

export async function main(argv: string[]): Promise<number> {
  quietSdkNodeWarning();
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run':
        return await run(rest);
      case 'validate':
        return await validate(rest);
      case 'remind':
        return await remind(rest);
      case 'replay':
        return await replay(rest);
      case 'summary':
        return await summary(rest);
      case 'serve':
        return await serve(rest);
      case 'link':
        return await link(rest);
      case 'report':
        return await report(rest);
      case 'user':
        return await (await import('./user')).userCommand(rest);
      case 'mail':
        return await (await import('./mail')).mailCommand(rest);
      case 'backup':
        return await (await import('./backup')).backupCommand(rest);
      case 'restore':
        return await (await import('./backup')).restoreCommand(rest);
      default:
        process.stderr.write(USAGE);
        return 2;
    }
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof StateError) {
      process.stderr.write(`${error.message}\n`);
      return 3;
    }
    const aws = awsFailure(error);
    if (aws) {
      process.stderr.write(`${aws}\n`);
      return 4;
    }
    throw error;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv.slice(2));
}
