/**
 * What reminders and digests guarantee, with faults injected into the running reminder job (the
 * function the daily schedule runs): at-least-once, a duplicate recognisable by its
 * `X-CAQES-Reference` header, SES's message id on the marker, a failed e-mail sent by the next run
 * even past its step, the digest's own claim → sent states, and digests counted from the markers.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { SESv2Client, type SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmbedded, type Embedded } from '../../lib/local/embedded';
import { runReminders, type RemindDeps } from '../../lib/pipeline/remind';
import type { ReminderMarker, ReminderStore } from '../../lib/store/reminder-store';

const OMEDIT = 'omedit@ars.example';
/** Six establishments of PACA, each owing its action plan for the 09/03/2026 deadline. */
const SITES = ['130780018', '130780026', '130780034', '130780042', '130780059', '130780067'];
let embedded: Embedded;

beforeEach(async () => {
  embedded = await startEmbedded();
  const rt = embedded.runtime;
  const put = (Key: string, Body: string) => rt.clients.s3.send(new PutObjectCommand({ Bucket: rt.objects.bucket, Key, Body }));
  await put('referential/etablissements.csv', ['finess;finess_juridique;raison_sociale;region;categorie;contrat;emails', ...SITES.map((f, i) => `${f};130780000;CH ${i + 1};PACA;ex-DG;C1;pharma${i + 1}@ch.example`), ''].join('\n'));
  await put('referential/ciblage-2025.csv', ['finess;indicateur', ...SITES.map((f) => `${f};MO`), ''].join('\n'));
  await put('referential/calendrier-2025.csv', 'campagne;echeance;date;indicateur;documents;libelle\n2025-S2;retour_preuves;09/03/2026;MO;plan_actions;Retour des preuves\n');
  await embedded.drain();
}, 60_000);

afterEach(async () => {
  await embedded?.stop();
});

interface Ses {
  client: SESv2Client;
  /** What SES accepted. */
  accepted: SendEmailCommandInput[];
}

/** A real client of the local SES that refuses the e-mails `refuse` picks, as SES would with a 503. */
function ses(refuse: (input: SendEmailCommandInput) => boolean = () => false): Ses {
  const client = new SESv2Client({ region: 'eu-west-3', endpoint: embedded.endpoints.ses, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const accepted: SendEmailCommandInput[] = [];
  const send = client.send.bind(client) as (command: { input: SendEmailCommandInput }) => Promise<unknown>;
  (client as unknown as { send: typeof send }).send = async (command) => {
    if (refuse(command.input)) throw Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable' });
    const out = await send(command);
    accepted.push(command.input);
    return out;
  };
  return { client, accepted };
}

const isDigest = (input: SendEmailCommandInput) => input.Destination?.ToAddresses?.includes(OMEDIT) ?? false;
const reference = (input: SendEmailCommandInput) => input.Content?.Simple?.Headers?.find((h) => h.Name === 'X-CAQES-Reference')?.Value;
const digestText = (input: SendEmailCommandInput) => input.Content?.Simple?.Body?.Text?.Data ?? '';

function deps(now: string, client: SESv2Client, reminders: ReminderStore = embedded.runtime.reminders): RemindDeps {
  const { referential, results, evidence } = embedded.runtime;
  return {
    referential,
    results,
    evidence,
    reminders,
    reports: embedded.runtime.reports,
    ses: client,
    sender: { from: 'caqes@ars.example', replyTo: OMEDIT },
    personalLink: async () => ({ id: 'lien', url: 'https://portail.example/depot#jeton', token: 'jeton', expiresAt: '2026-04-25T06:00:00.000Z' }),
    claimWaitMs: 5_000,
    now: () => new Date(now),
  };
}

/** The reminder store, with its marker writes of status `sent` failing `times` times (DynamoDB unreachable just after SES accepted). */
function failingMarkerWrites(times: number): ReminderStore {
  let left = times;
  return new Proxy(embedded.runtime.reminders, {
    get(target, property, receiver) {
      if (property !== 'markReminderSent') return Reflect.get(target, property, receiver) as unknown;
      return async (marker: ReminderMarker) => {
        if (marker.status === 'sent' && left > 0) {
          left--;
          throw Object.assign(new Error('Connection reset'), { name: 'TimeoutError' });
        }
        return target.markReminderSent(marker);
      };
    },
  });
}

const markers = () => embedded.runtime.reminders.listReminders('PACA', '2025-S2');

describe('the marker write fails after SES accepted the e-mail', () => {
  it('a passing failure is written again: no duplicate, and SES\'s message id is on the marker', async () => {
    const mail = ses();
    const run = await runReminders('2026-02-23', deps('2026-02-23T06:00:00Z', mail.client, failingMarkerWrites(2)));
    expect(run.reminders.map((r) => r.outcome)).toEqual(SITES.map(() => 'sent'));
    const written = await markers();
    expect(written.map((m) => [m.status, m.messageId])).toEqual(run.reminders.map((r) => ['sent', r.messageId]));
    const later = await runReminders('2026-02-23', deps('2026-02-23T07:00:00Z', mail.client));
    expect(later.reminders.map((r) => r.outcome)).toEqual(SITES.map(() => 'already-sent'));
    expect(mail.accepted.filter((m) => !isDigest(m))).toHaveLength(6);
  });

  it('a lasting failure gives at most one duplicate, after 15 minutes, carrying the same reference header', async () => {
    const mail = ses();
    await runReminders('2026-02-23', deps('2026-02-23T06:00:00Z', mail.client, failingMarkerWrites(4)));
    const soon = await runReminders('2026-02-23', deps('2026-02-23T06:10:00Z', mail.client));
    expect(soon.reminders.filter((r) => r.outcome === 'sent')).toEqual([]);
    const later = await runReminders('2026-02-23', deps('2026-02-23T06:30:00Z', mail.client));
    expect(later.reminders.filter((r) => r.outcome === 'sent').map((r) => r.finess)).toEqual([SITES[0]]);
    const copies = mail.accepted.filter((m) => reference(m) === `rappel/PACA/2025-S2/retour_preuves/${SITES[0]}/J-14`);
    expect(copies).toHaveLength(2);
    expect(mail.accepted.filter((m) => !isDigest(m))).toHaveLength(7);
  });
});

describe('SES fails on the OMéDIT digest after its claim', () => {
  it('a later run of the day sends it, counting the reminders of the day; then it is sent', async () => {
    const down = ses(isDigest);
    const first = await runReminders('2026-02-23', deps('2026-02-23T06:00:00Z', down.client));
    expect(first.digests.map((d) => d.outcome)).toEqual(['failed']);
    const up = ses();
    const retry = await runReminders('2026-02-23', deps('2026-02-23T06:01:00Z', up.client));
    expect(retry.digests.map((d) => d.outcome)).toEqual(['sent']);
    const [digest] = up.accepted.filter(isDigest);
    expect(digest!.Content?.Simple?.Subject?.Data).toBe('CAQES PACA – relances du 23/02/2026 : 6 envoyée(s), 0 établissement(s) en retard');
    expect(reference(digest!)).toBe('recapitulatif/PACA/2026-02-23');
    const third = await runReminders('2026-02-23', deps('2026-02-23T06:02:00Z', up.client));
    expect(third.digests.map((d) => d.outcome)).toEqual(['already-sent']);
  });
});

describe('SES fails on the last day of a step\'s window', () => {
  it('the digest says it was not sent, and the next day it is sent once, past its step', async () => {
    const first = SITES[0]!;
    // 09/03 is the deadline day: J-1 is due on 08/03 and 09/03, J+1 from 10/03.
    const down = ses((input) => input.Destination?.ToAddresses?.includes('pharma1@ch.example') ?? false);
    const lastDay = await runReminders('2026-03-09', deps('2026-03-09T06:00:00Z', down.client));
    expect(lastDay.reminders.find((r) => r.finess === first)).toMatchObject({ step: 'J-1', outcome: 'failed' });
    const digest = down.accepted.find(isDigest)!;
    expect(digest.Content?.Simple?.Subject?.Data).toMatch(/: 5 envoyée\(s\)/);
    expect(digestText(digest)).toContain('Relances non envoyées aujourd’hui (1) :\n  - CH 1 (130780018) – Retour des preuves du 09/03/2026 [J-1] : refusée par le service d’envoi');
    expect((await markers()).find((m) => m.finess === first && m.step === 'J-1')).toMatchObject({ status: 'failed', lastError: 'ServiceUnavailable: Service unavailable' });

    const up = ses();
    const nextDay = await runReminders('2026-03-10', deps('2026-03-10T06:00:00Z', up.client));
    expect(nextDay.reminders.filter((r) => r.finess === first).map((r) => `${r.step}:${r.outcome}`)).toEqual(['J+1:sent', 'J-1:sent']);
    const dayAfter = await runReminders('2026-03-11', deps('2026-03-11T06:00:00Z', up.client));
    expect(dayAfter.reminders.filter((r) => r.finess === first).map((r) => `${r.step}:${r.outcome}`)).toEqual(['J+1:already-sent']);
  });
});

describe('four concurrent runs', () => {
  it('send each reminder once and one digest that counts all six', async () => {
    const mail = ses();
    const runs = await Promise.all([0, 1, 2, 3].map(() => runReminders('2026-02-23', deps('2026-02-23T06:00:00Z', mail.client))));
    expect(runs.flatMap((r) => r.reminders).filter((r) => r.outcome === 'sent')).toHaveLength(6);
    expect(mail.accepted.filter((m) => !isDigest(m))).toHaveLength(6);
    const digests = mail.accepted.filter(isDigest);
    expect(digests).toHaveLength(1);
    expect(digests[0]!.Content?.Simple?.Subject?.Data).toMatch(/: 6 envoyée\(s\)/);
    expect(digestText(digests[0]!)).toContain('Relances envoyées aujourd’hui (6) :');
  });
});
