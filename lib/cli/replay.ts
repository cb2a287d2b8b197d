import { SQSClient } from '@aws-sdk/client-sqs';
import { latestRedrive, startRedrive, type Redrive } from '../store/dead-letters';
import { UsageError } from './usage';

const DLQ_ARN = /^arn:aws[a-z-]*:sqs:([a-z0-9-]+):\d{12}:[\w-]+$/;

/**
 * `caqes replay --dlq-arn ARN`: the messages of a deployed stack's dead-letter queue (outputs
 * `IngestDlqArn`, `ComputeDlqArn`) sent back to their queue once the cause is fixed, then how the
 * move stands. Uses the default AWS credentials; the region is the queue's own.
 * @throws UsageError for something that is not an SQS queue ARN.
 */
export async function replayDeadLetters(dlqArn: string, sqs?: SQSClient): Promise<Redrive> {
  const m = DLQ_ARN.exec(dlqArn);
  if (!m) throw new UsageError(`--dlq-arn attend l’ARN d’une file SQS (sortie IngestDlqArn ou ComputeDlqArn de la pile), reçu « ${dlqArn} »`);
  const client = sqs ?? new SQSClient({ region: m[1] });
  const handle = await startRedrive(client, dlqArn);
  return (await latestRedrive(client, dlqArn)) ?? { taskHandle: handle, status: 'RUNNING', moved: 0, toMove: null, failureReason: null };
}

/** The move in French. */
export function renderRedrive(r: Redrive): string {
  const progress = r.toMove === null ? `${r.moved} message(s) renvoyé(s)` : `${r.moved} message(s) renvoyé(s) sur ${r.toMove}`;
  return `Relance de la file d’erreurs : ${progress} (état ${r.status})${r.failureReason ? ` – échec : ${r.failureReason}` : ''}.\nChaque fichier est traité une seule fois : un fichier déjà traité est reconnu par son enregistrement.`;
}
