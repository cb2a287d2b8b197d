/**
 * A campaign walked day by day over 60 days on the embedded default, with uploads arriving in
 * between, a day the job did not run, a run repeated, and an address that bounced: the exact set of
 * e-mails each establishment received, and OMéDIT's digest of each day.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { SNSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleInstant } from '../../lib/domain/clock';
import { withFinessKey } from '../../lib/domain/finess';
import { startEmbedded, type Embedded } from '../../lib/local/embedded';
import { localContext, scheduledEvent } from '../../lib/local/invoke';
import { RemindOutcome } from '../../lib/pipeline/remind';

const A = withFinessKey('13000201'); // sends its plan, then its argumentation, early
const B = withFinessKey('13000202'); // a refused plan first, the right one after J-7; never argues
const C = withFinessKey('13000203'); // no plan ever; an argumentation with a line not argued, fixed later
const D = withFinessKey('13000204'); // its only address bounced: never reminded, always in the digest
const OMEDIT = 'omedit-paca@ars.example';

const referential: Record<string, string> = {
  'referential/etablissements.csv': [
    'finess;finess_juridique;raison_sociale;region;categorie;contrat;emails',
    ...[A, B, C, D].map((f, i) => `${f};${f};CH ${'ABCD'[i]};PACA;ex-DG;C${i};pui@ch-${'abcd'[i]}.example`),
    '',
  ].join('\n'),
  'referential/ciblage-2025.csv': ['finess;indicateur', ...[A, B, C, D].map((f) => `${f};MO`), ''].join('\n'),
  'referential/calendrier-2025.csv': [
    'campagne;echeance;date;indicateur;documents;libelle',
    '2025-S2;retour_preuves;09/03/2026;MO;plan_actions;Retour des éléments de preuve du semestre 2',
    '2025-S2;argumentaire_hors_amm;21/03/2026;MO;argumentaire_hors_amm;Argumentaire hors-AMM du S2 2025',
    '',
  ].join('\n'),
  'referential/parametres-2025.csv': ['parametre;region;valeur', `emails_omedit;PACA;${OMEDIT}`, ''].join('\n'),
};

const argumentation = (finess: string, argued: boolean) =>
  ['finess;ucd;code_indication;nb_ucd;argumentaire;amm_miroir;exclusion', `${finess};9391234;I999;2;Astrocytome, avis RCP;I997001;non`, `${finess};9400001;I999;1;${argued ? 'Exclu du périmètre' : ''};;${argued ? 'oui' : 'non'}`, ''].join('\n');
const PDF = '%PDF-1.4\n%%EOF\n';

/** What arrives on which day (the job runs at 06:00, after the uploads of the day before). */
const uploads: Record<string, Record<string, string>> = {
  '2026-02-15': { [`evidence/2025-S2/${A}/plan_actions/u1-plan.pdf`]: PDF },
  '2026-02-20': { [`evidence/2025-S2/${B}/plan_actions/u2-plan.exe`]: 'MZ binary' },
  '2026-03-01': { [`evidence/2025-S2/${A}/argumentaire_hors_amm/u3-argumentaire.csv`]: argumentation(A, true) },
  '2026-03-05': { [`evidence/2025-S2/${B}/plan_actions/u4-plan.pdf`]: PDF },
  '2026-03-10': { [`evidence/2025-S2/${C}/argumentaire_hors_amm/u5-argumentaire.csv`]: argumentation(C, false) },
  '2026-03-18': { [`evidence/2025-S2/${C}/argumentaire_hors_amm/u6-argumentaire-corrige.csv`]: argumentation(C, true) },
};
/** The job did not run that day (an outage): the next run catches up with the latest step only. */
const SKIPPED = '2026-02-07';
/** The job ran twice that day (a retry): nothing goes out twice. */
const TWICE = '2026-03-02';

let embedded: Embedded;
const runs: { day: string; outcome: RemindOutcome }[] = [];

function days(from: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => new Date(Date.parse(`${from}T12:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10));
}

async function put(files: Record<string, string>): Promise<void> {
  const rt = embedded.runtime;
  for (const [key, body] of Object.entries(files)) await rt.clients.s3.send(new PutObjectCommand({ Bucket: rt.objects.bucket, Key: key, Body: body }));
  await embedded.drain();
}

beforeAll(async () => {
  embedded = await startEmbedded();
  embedded.setClock(() => new Date('2026-01-27T09:00:00Z'));
  await put({ 'referential/etablissements.csv': referential['referential/etablissements.csv']! });
  await put(Object.fromEntries(Object.entries(referential).filter(([k]) => !k.includes('etablissements'))));
  // D's address bounced for good before the campaign: SES tells the feedback function through SNS.
  const feedback = await import('../../functions/feedback/handler');
  const bounce = { eventType: 'Bounce', bounce: { bounceType: 'Permanent', timestamp: '2026-01-20T10:00:00.000Z', bouncedRecipients: [{ emailAddress: 'pui@ch-d.example' }] } };
  await feedback.handler({ Records: [{ Sns: { Message: JSON.stringify(bounce) } }] } as unknown as SNSEvent, localContext('caqes-feedback'));

  const remind = await import('../../functions/remind/handler');
  // 60 days, from J-40 of the first deadline to J+7 of the second.
  for (const day of days('2026-01-28', 60)) {
    embedded.setClock(() => new Date(`${day}T05:00:00Z`));
    if (uploads[day]) await put(uploads[day]);
    if (day === SKIPPED) continue;
    embedded.setClock(() => new Date(scheduleInstant(day)));
    for (let n = 0; n < (day === TWICE ? 2 : 1); n++) {
      runs.push({ day, outcome: RemindOutcome.parse(await remind.handler(scheduledEvent(day), localContext('caqes-remind'))) });
    }
  }
}, 240_000);

afterAll(async () => {
  await embedded?.stop();
});

/** The e-mails an establishment received, as `deadline step`, in order. */
function received(finess: string): string[] {
  return runs.flatMap((r) => r.outcome.reminders.filter((m) => m.finess === finess && m.outcome === 'sent').map((m) => `${m.deadline} ${m.step}`));
}

describe('a 60-day campaign, day by day', () => {
  it('A sent its plan and its argumentation early: one reminder for each deadline, no more', () => {
    expect(received(A)).toEqual(['retour_preuves J-30', 'argumentaire_hors_amm J-30']);
  });

  it('B: reminded of its plan until an accepted one came after J-7; of its argumentation all along', () => {
    expect(received(B)).toEqual([
      'retour_preuves J-30',
      'argumentaire_hors_amm J-30',
      'retour_preuves J-14',
      'retour_preuves J-7',
      'argumentaire_hors_amm J-14',
      'argumentaire_hors_amm J-7',
      'argumentaire_hors_amm J-1',
      'argumentaire_hors_amm J+1',
      'argumentaire_hors_amm J+7',
    ]);
  });

  it('C: every step of the plan; its argumentation until every line was argued', () => {
    expect(received(C)).toEqual([
      'retour_preuves J-30',
      'argumentaire_hors_amm J-30',
      'retour_preuves J-14',
      'retour_preuves J-7',
      'argumentaire_hors_amm J-14',
      'retour_preuves J-1',
      'retour_preuves J+1',
      'argumentaire_hors_amm J-7',
      'retour_preuves J+7',
    ]);
  });

  it('D, whose address bounced, is never sent anything: each due reminder is reported as suppressed', () => {
    expect(received(D)).toEqual([]);
    const suppressed = runs.flatMap((r) => r.outcome.reminders.filter((m) => m.finess === D && m.outcome === 'suppressed').map((m) => `${m.deadline} ${m.step}`));
    // Once per step of both deadlines, as the others' e-mails; the days in between say it was done.
    expect(suppressed.sort()).toEqual(
      ['J-30', 'J-14', 'J-7', 'J-1', 'J+1', 'J+7'].flatMap((step) => [`argumentaire_hors_amm ${step}`, `retour_preuves ${step}`]).sort(),
    );
  });

  it('the day the job did not run, J-30 went out the next day; the repeated run sent nothing again', () => {
    const firstJ30 = runs.find((r) => r.outcome.reminders.some((m) => m.step === 'J-30' && m.deadline === 'retour_preuves'));
    expect(firstJ30?.day).toBe('2026-02-08');
    const twice = runs.filter((r) => r.day === TWICE);
    expect(twice).toHaveLength(2);
    expect(twice[1]!.outcome.reminders.every((m) => m.outcome !== 'sent')).toBe(true);
    expect(twice[1]!.outcome.digests.map((d) => d.outcome)).toEqual(['already-sent']);
  });

  it('every e-mail the runs say was sent reached the local SES, once, to the establishment’s address', async () => {
    const mails = await embedded.sentEmails();
    const sent = runs.flatMap((r) => r.outcome.reminders.filter((m) => m.outcome === 'sent'));
    const reminders = mails.filter((m) => !m.destination.to.includes(OMEDIT));
    expect(reminders).toHaveLength(sent.length);
    expect(new Set(reminders.map((m) => m.messageId)).size).toBe(sent.length);
    expect(reminders.some((m) => m.destination.to.includes('pui@ch-d.example'))).toBe(false);
    // B's J-14 says why its plan was refused; C's J-7 says how many lines are still to argue.
    const byId = new Map(mails.map((m) => [m.messageId, m]));
    const bJ14 = sent.find((m) => m.finess === B && m.step === 'J-14' && m.deadline === 'retour_preuves')!;
    expect(byId.get(bJ14.messageId!)?.body.text).toContain("Plan d’actions (fichier « plan.exe » reçu mais refusé : Type de fichier non reconnu : extension « .exe » non acceptée");
    const cJ7 = sent.find((m) => m.finess === C && m.step === 'J-7' && m.deadline === 'argumentaire_hors_amm')!;
    expect(byId.get(cJ7.messageId!)?.body.text).toContain('Argumentaire hors-AMM (1 ligne hors AMM sur 2 sans argumentaire');
  });

  it('OMéDIT got one digest a day the job ran, saying who is late', async () => {
    const digests = (await embedded.sentEmails()).filter((m) => m.destination.to.includes(OMEDIT));
    expect(digests).toHaveLength(59); // 60 days, one without a run; the repeated run sent none
    const tenthOfMarch = digests.find((m) => m.subject.includes('10/03/2026'))!;
    // After 09/03: C owes its plan, D too (never reminded); A and B sent theirs.
    expect(tenthOfMarch.subject).toBe('CAQES PACA – relances du 10/03/2026 : 1 envoyée(s), 2 établissement(s) en retard');
    expect(tenthOfMarch.body.text).toContain('pui@ch-d.example (CH D) : adresse en échec définitif depuis le 20/01/2026');
  });
});
