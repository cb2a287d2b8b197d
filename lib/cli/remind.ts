import { formatFrenchDate } from '../io/french';
import { scheduleInstant } from '../domain/clock';
import { startLocal } from '../local/single-machine';
import { remindDeps, runReminders, type RemindRun } from '../pipeline/remind';
import { owedItemLabel } from '../report/labels';
import { loadDropZone } from './run';

const OUTCOMES: Record<RemindRun['reminders'][number]['outcome'], string> = {
  sent: 'envoyé',
  'already-sent': 'déjà envoyé lors d’une exécution précédente',
  'dry-run': 'serait envoyé',
  suppressed: 'non envoyé : adresses en liste de suppression',
};

/**
 * The reminders of a day on a folder laid out like the drop zone, on the embedded default: the folder
 * is loaded on that day, then the reminder job runs for it, sending (to the local SES) or, with
 * `dryRun`, only saying what it would send.
 */
export async function remindOnData(options: { dataDir?: string; stateDir?: string; today: string; dryRun: boolean }): Promise<RemindRun> {
  const local = await startLocal({ stateDir: options.stateDir, command: 'remind' });
  const { embedded } = local;
  try {
    if (options.dataDir) await loadDropZone(embedded, options.dataDir, options.today, { onlyNew: local.state !== null });
    // The job runs at its scheduled time of that day, whether or not a folder was loaded.
    embedded.setClock(() => new Date(scheduleInstant(options.today)));
    return await runReminders(options.today, remindDeps(embedded.runtime), { dryRun: options.dryRun });
  } finally {
    await local.stop();
  }
}

/** The run in French: each e-mail (to whom, for which deadline and step, what is owed), then each digest. */
export function renderRemindRun(run: RemindRun, today: string, dryRun: boolean): string {
  const lines = [`Relances CAQES du ${formatFrenchDate(today)}${dryRun ? ' (simulation : rien n’est envoyé)' : ''}`, ''];
  lines.push(`${run.reminders.length} relance(s) dues :`);
  for (const r of run.reminders) {
    lines.push(`  [${r.step}] ${r.establishment} (${r.finess}) – ${r.campaign} ${r.deadline} du ${formatFrenchDate(r.deadlineDate)} : ${OUTCOMES[r.outcome]}`);
    lines.push(`      à : ${r.email.to.join(', ') || '–'}`);
    for (const item of r.owed) lines.push(`      - ${owedItemLabel(item)}${item.detail ? ` (${item.detail})` : ''}`);
    lines.push(`      objet : ${r.email.subject}`);
  }
  for (const d of run.digests) {
    lines.push('', `Synthèse OMéDIT ${d.region} (${d.outcome === 'sent' ? 'envoyée' : d.outcome === 'dry-run' ? 'serait envoyée' : 'déjà envoyée aujourd’hui'}) à ${d.email.to.join(', ')} :`, `  ${d.email.subject}`);
  }
  return lines.join('\n');
}

/** What `--json` prints: the run, each e-mail with its text but not its HTML. */
export function remindJson(run: RemindRun, today: string): unknown {
  const plain = <T extends { email: { html: string } }>({ email: { html: _html, ...email }, ...rest }: T) => ({ ...rest, email });
  return { today, reminders: run.reminders.map(plain), digests: run.digests.map(plain) };
}
