import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { IssueCode } from '../formats/report';
import { ComputeMessage } from './compute-queue';
import { isConditionFailure, setFields, withoutKeys } from './dynamo-query';
import { dynamoKeys } from './keys';
import { TableItems, type Item } from './table-items';

export const FileStatus = z.enum(['processing', 'accepted', 'rejected']);

export const FileEvent = z.object({
  key: z.string(),
  order: z.string(),
  version: z.string(),
  status: FileStatus,
  kind: z.string().nullable(),
  reportKey: z.string().nullable(),
  errorCount: z.number().int(),
  warningCount: z.number().int(),
  /** The report summed up: rows read and accepted, and the number of issues of each code. */
  rowsRead: z.number().int().default(0),
  rowsAccepted: z.number().int().default(0),
  issueCounts: z.partialRecord(IssueCode, z.number().int()).default({}),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  /** The computations the file asked for: sent again when a re-delivered event finds it processed. */
  compute: z.array(ComputeMessage).default([]),
  /** How many times processing started, and why the last one failed (a dead-lettered file says so here). */
  attempts: z.number().int().default(1),
  lastError: z.string().nullable().default(null),
});
export type FileEvent = z.infer<typeof FileEvent>;

/** One record per S3 event, so that a re-delivered event is recognised and a failed one says why. */
export class FileEventStore {
  private readonly items: TableItems;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {
    this.items = new TableItems(db, table);
  }

  /**
   * Claims an event for processing. Returns the existing record when the event was already
   * processed to the end; a record left `processing` by a crash is taken over.
   */
  async claim(event: Pick<FileEvent, 'key' | 'order' | 'version' | 'startedAt'>): Promise<FileEvent | null> {
    const key = dynamoKeys.fileEvent(event.key, event.order);
    try {
      // An update, not a put: the attempts and last error of an interrupted processing are kept.
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression:
            'SET #key = :key, #order = :order, version = :version, startedAt = :startedAt, #s = :processing, kind = :null, reportKey = :null, ' +
            'errorCount = :zero, warningCount = :zero, rowsRead = :zero, rowsAccepted = :zero, issueCounts = :empty, finishedAt = :null, compute = :none, ' +
            'lastError = if_not_exists(lastError, :null) ADD attempts :one',
          ConditionExpression: 'attribute_not_exists(pk) OR #s = :processing',
          ExpressionAttributeNames: { '#s': 'status', '#key': 'key', '#order': 'order' },
          ExpressionAttributeValues: {
            ':key': event.key,
            ':order': event.order,
            ':version': event.version,
            ':startedAt': event.startedAt,
            ':processing': 'processing',
            ':null': null,
            ':zero': 0,
            ':empty': {},
            ':none': [],
            ':one': 1,
          },
        }),
      );
      return null;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const existing = await this.db.send(new GetCommand({ TableName: this.table, Key: key }));
      return FileEvent.parse(withoutKeys(existing.Item as Item));
    }
  }

  /** Ends the processing of an event with its outcome; its attempts and last error stay. */
  async finish(event: Omit<FileEvent, 'attempts' | 'lastError'>): Promise<void> {
    const { key: s3Key, order, ...fields } = event;
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: dynamoKeys.fileEvent(s3Key, order),
        ...setFields(fields),
      }),
    );
  }

  /**
   * Records why the processing of an event failed: the event is delivered again, and after its last
   * attempt the dead-letter queue keeps the message while this record says which file and why.
   */
  async fail(s3Key: string, order: string, error: string, at: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: dynamoKeys.fileEvent(s3Key, order),
        UpdateExpression: 'SET lastError = :error, lastFailedAt = :at',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':error': error, ':at': at },
      }),
    );
  }

  async list(s3Key: string): Promise<FileEvent[]> {
    const k = dynamoKeys.fileEventPrefix(s3Key);
    return (await this.items.query(k.pk, k.skPrefix)).map((i) => FileEvent.parse(withoutKeys(i)));
  }
}
