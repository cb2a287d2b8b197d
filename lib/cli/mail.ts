/** `caqes mail list`: the e-mails the single-machine runtime sent or kept, read from its state folder. */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { todayOf } from '../domain/clock';
import { formatFrenchDate } from '../io/french';
import { directoryOutbox, type KeptEmail } from '../local/mail-gateway';
import { defaultStateDir, statePaths } from '../local/state';
import { UsageError } from './usage';

function parisTime(at: string): string {
  return new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' }).format(new Date(at));
}

/** One line per e-mail: when (Paris), to whom, its subject, and whether a relay took it or it was only kept. */
export function renderMailList(mails: readonly KeptEmail[], dir: string): string {
  if (mails.length === 0) return `Aucun e-mail dans l’état ${dir}.`;
  const lines = [`${mails.length} e-mail(s) dans l’état ${dir} (du plus ancien au plus récent) :`];
  for (const m of mails) {
    const how = m.delivery === 'relayed' ? `envoyé par ${m.relay ?? 'le relais SMTP'}` : 'conservé ici, non envoyé';
    lines.push(`  ${formatFrenchDate(todayOf(m.at))} ${parisTime(m.at)} → ${m.destination.to.join(', ')} : ${m.subject} (${how})`);
  }
  return lines.join('\n');
}

/** `caqes mail list [--state DIR] [--to ADRESSE] [--json]`. Exit codes: 0 done, 2 bad usage. */
export async function mailCommand(args: string[], out: (text: string) => void = (t) => process.stdout.write(t)): Promise<number> {
  const [action, ...rest] = args;
  const { values } = parseArgs({ args: rest, options: { state: { type: 'string' }, to: { type: 'string' }, json: { type: 'boolean', default: false } } });
  if (action !== 'list') throw new UsageError('mail attend list');
  const paths = statePaths(values.state ?? defaultStateDir());
  if (!existsSync(paths.manifest)) throw new UsageError(`${paths.dir} n’est pas un dossier d’état CAQES : indiquez-le avec --state`);
  const to = values.to?.trim().toLowerCase();
  const mails = (await directoryOutbox(paths.mail).list()).filter((m) => !to || m.destination.to.some((a) => a.toLowerCase() === to));
  out((values.json ? JSON.stringify(mails, null, 2) : renderMailList(mails, paths.dir)) + '\n');
  return 0;
}
