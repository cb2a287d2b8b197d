import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { Region } from '../domain/schemas';
import { isConditionFailure, queryPrefix, setFields, withoutKeys } from './dynamo-query';
import { dynamoKeys } from './keys';

/**
 * The staff roles (lib/portal/permissions.ts says what each may do): OMéDIT pharmacists of their
 * regions, the contract's co-signers reading theirs (ARS, Assurance Maladie), and the platform's
 * administrator, who manages accounts and sees no regional data.
 */
export const StaffRole = z.enum(['omedit', 'ars', 'assurance_maladie', 'admin']);
export type StaffRole = z.infer<typeof StaffRole>;

/** An account's e-mail address: its identifier, kept in lower case. */
export const AccountEmail = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email().max(254));

/**
 * A local account of the embedded default (on AWS, accounts are Cognito users). The password is
 * stored only as its scrypt hash (lib/portal/password.ts).
 */
export const AccountRecord = z.object({
  email: AccountEmail,
  role: StaffRole,
  /** The regions it works on; none for the administrator. */
  regions: z.array(Region),
  passwordHash: z.string().startsWith('scrypt$'),
  status: z.enum(['active', 'disabled']),
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
  passwordChangedAt: z.string(),
});
export type AccountRecord = z.infer<typeof AccountRecord>;


/** Local accounts, in the table's platform partition (accounts are not regional). */
export class AccountStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** The account with that address, or null. */
  async get(email: string): Promise<AccountRecord | null> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: dynamoKeys.account(email), ConsistentRead: true }));
    if (!out.Item) return null;
    const rest = withoutKeys(out.Item);
    return AccountRecord.parse(rest);
  }

  /** Every account, by address. */
  async list(): Promise<AccountRecord[]> {
    const k = dynamoKeys.accountPrefix();
    return (await queryPrefix(this.db, this.table, k.pk, k.skPrefix)).map((item) => AccountRecord.parse(withoutKeys(item)));
  }

  /** Creates an account; false when one with that address exists already. */
  async create(account: AccountRecord): Promise<boolean> {
    const record = AccountRecord.parse(account);
    try {
      await this.db.send(
        new PutCommand({ TableName: this.table, Item: { ...dynamoKeys.account(record.email), ...record }, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * Changes an existing account's status or password hash. Returns the account as it was and as it
   * is now, or null when there is no such account.
   */
  async update(
    email: string,
    change: { status?: AccountRecord['status']; passwordHash?: string },
    by: string,
    at: string,
  ): Promise<{ before: AccountRecord; after: AccountRecord } | null> {
    const fields: Record<string, unknown> = { updatedAt: at, updatedBy: by };
    if (change.status) fields.status = change.status;
    if (change.passwordHash) Object.assign(fields, { passwordHash: change.passwordHash, passwordChangedAt: at });
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: dynamoKeys.account(email),
          ...setFields(fields),
          ConditionExpression: 'attribute_exists(pk)',
          ReturnValues: 'ALL_OLD',
        }),
      );
      const before = AccountRecord.parse(withoutKeys(out.Attributes ?? {}));
      return { before, after: AccountRecord.parse({ ...before, ...fields }) };
    } catch (error) {
      if (isConditionFailure(error)) return null;
      throw error;
    }
  }
}

/** An account as the administrator sees it: never its password or hash. */
export const AccountView = z.object({
  email: z.string(),
  role: StaffRole.nullable(),
  regions: z.array(z.string()),
  status: z.enum(['active', 'disabled']),
  createdAt: z.string().nullable(),
});
export type AccountView = z.infer<typeof AccountView>;

/** What an account is created with. */
export const NewAccount = z.object({ email: AccountEmail, role: StaffRole, regions: z.array(Region) }).strict();
export type NewAccount = z.infer<typeof NewAccount>;

/**
 * Where accounts live: local accounts in the table on the embedded default (lib/portal/accounts.ts),
 * Cognito users on AWS (lib/store/cognito-directory.ts). A temporary password is returned when this
 * side makes it; Cognito e-mails its own, so it returns null.
 */
export interface AccountDirectory {
  readonly kind: 'local' | 'cognito';
  list(): Promise<AccountView[]>;
  /** Null when an account with that address exists already. A chosen password is for local accounts only. */
  create(account: NewAccount, by: string, password?: string): Promise<{ account: AccountView; temporaryPassword: string | null } | null>;
  /** Null when there is no such account. */
  disable(email: string, by: string): Promise<{ before: AccountView; after: AccountView } | null>;
  /** Null when there is no such account. */
  resetPassword(email: string, by: string): Promise<{ account: AccountView; temporaryPassword: string | null } | null>;
}

/**
 * The Cognito groups of a role and its regions: `admin`, or `<role>-<REGION>` for each region
 * (`omedit-PACA`, `ars-CORSE`, `assurance_maladie-PACA`).
 *
 * @example
 * cognitoGroups('omedit', ['PACA', 'CORSE']) // ['omedit-PACA', 'omedit-CORSE']
 */
export function cognitoGroups(role: StaffRole, regions: readonly string[]): string[] {
  return role === 'admin' ? ['admin'] : regions.map((region) => `${role}-${region}`);
}

/**
 * The role and regions a set of groups gives. Groups that name no role are ignored; groups of
 * several roles give none (`ambiguous`): one account, one role, so that nobody reads with one hat
 * what they may only write with another.
 */
export function roleOfGroups(groups: readonly string[]): { role: StaffRole; regions: string[] } | 'none' | 'ambiguous' {
  const found = new Map<StaffRole, Set<string>>();
  for (const group of groups) {
    if (group === 'admin') {
      found.set('admin', found.get('admin') ?? new Set());
      continue;
    }
    const dash = group.indexOf('-');
    const role = StaffRole.safeParse(group.slice(0, dash));
    const region = Region.safeParse(group.slice(dash + 1));
    if (dash <= 0 || !role.success || role.data === 'admin' || !region.success) continue;
    found.set(role.data, (found.get(role.data) ?? new Set()).add(region.data));
  }
  if (found.size === 0) return 'none';
  if (found.size > 1) return 'ambiguous';
  const [role, regions] = [...found][0]!;
  return { role, regions: [...regions].sort() };
}
