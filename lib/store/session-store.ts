import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { isConditionFailure, withoutKeys } from './dynamo-query';
import { dynamoKeys } from './keys';

/**
 * A signed-in session of a local account, stored under the SHA-256 of its id (the id itself lives
 * only in the browser's cookie). `ttl` lets DynamoDB's time to live remove it after its absolute
 * expiry; the code checks both expiries on every request, since dynalite never removes anything.
 */
export const SessionRecord = z.object({
  email: z.string(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  /** ISO instant of the absolute expiry. */
  expiresAt: z.string(),
  ttl: z.number().int(),
});
export type SessionRecord = z.infer<typeof SessionRecord>;

/** Sessions of local accounts. */
export class SessionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async put(idHash: string, session: SessionRecord): Promise<void> {
    await this.db.send(
      new PutCommand({ TableName: this.table, Item: { ...dynamoKeys.session(idHash), ...SessionRecord.parse(session) }, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
  }

  async get(idHash: string): Promise<SessionRecord | null> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: dynamoKeys.session(idHash), ConsistentRead: true }));
    if (!out.Item) return null;
    const rest = withoutKeys(out.Item);
    return SessionRecord.parse(rest);
  }

  /** Records activity (the idle expiry counts from it); nothing when the session has gone meanwhile. */
  async touch(idHash: string, at: string): Promise<void> {
    await this.db
      .send(
        new UpdateCommand({
          TableName: this.table,
          Key: dynamoKeys.session(idHash),
          UpdateExpression: 'SET lastSeenAt = :at',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':at': at },
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionFailure(error)) throw error;
      });
  }

  async delete(idHash: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: dynamoKeys.session(idHash) }));
  }
}

/** Failed logins of one account or one client address, counted since `since` without a long pause. */
export const LoginAttempts = z.object({
  failures: z.number().int().nonnegative(),
  since: z.string(),
  lastFailureAt: z.string(),
  ttl: z.number().int(),
});
export type LoginAttempts = z.infer<typeof LoginAttempts>;

/** The counters login throttling reads (lib/portal/login.ts), keyed by a digest of the account or address. */
export class LoginAttemptStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(scope: 'ACCOUNT' | 'IP', digest: string): Promise<LoginAttempts | null> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: dynamoKeys.loginAttempts(scope, digest), ConsistentRead: true }));
    if (!out.Item) return null;
    const rest = withoutKeys(out.Item);
    return LoginAttempts.parse(rest);
  }

  /**
   * Counts one more failure; a counter whose last failure is older than `forgetBefore` starts again
   * at 1. An atomic update, so concurrent failures are all counted.
   */
  async fail(scope: 'ACCOUNT' | 'IP', digest: string, at: string, forgetBefore: string, ttl: number): Promise<LoginAttempts> {
    const key = dynamoKeys.loginAttempts(scope, digest);
    const values = { ':at': at, ':ttl': ttl };
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression: 'SET lastFailureAt = :at, #ttl = :ttl ADD failures :one',
          ConditionExpression: 'attribute_exists(pk) AND lastFailureAt >= :forgetBefore',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: { ...values, ':one': 1, ':forgetBefore': forgetBefore },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const rest = withoutKeys(out.Attributes ?? {});
      return LoginAttempts.parse(rest);
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // No counter yet, or one forgotten: this failure starts a new count.
      const fresh: LoginAttempts = { failures: 1, since: at, lastFailureAt: at, ttl };
      await this.db.send(new PutCommand({ TableName: this.table, Item: { ...key, ...fresh } }));
      return fresh;
    }
  }

  async clear(scope: 'ACCOUNT' | 'IP', digest: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: dynamoKeys.loginAttempts(scope, digest) }));
  }
}
