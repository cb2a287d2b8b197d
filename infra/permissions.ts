import { Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { emailDomain } from './context.js';
import type { FunctionName } from './functions.js';
import type { Mail } from './mail.js';
import type { Portal } from './portal.js';
import type { Queues } from './queues.js';

/** Where OMéDIT's inputs page writes: a region's and an upload's folder, under the drop zones' prefixes (lib/store/keys.ts, regionalInput). */
export const OMEDIT_INPUT_PREFIXES = ['referential/*/', 'atih/*/*/', 'cpam/*/*/'] as const;

/** The archive copies of OMéDIT's zones, from which the inputs page downloads a dropped file's versions. */
export const DROPPED_INPUT_ARCHIVES = ['archive/referential/', 'archive/atih/', 'archive/cpam/'] as const;

/** The drop-zone prefixes ingest reads (archive/: a remembered extract read again). */
export const INGEST_READ_PREFIXES = ['referential/', 'cpam/', 'atih/', 'evidence/', 'archive/'] as const;

export interface PermissionsProps {
  readonly bucket: s3.Bucket;
  readonly table: dynamodb.Table;
  readonly queues: Queues;
  readonly mail: Mail;
  readonly portal: Portal;
  readonly functions: Record<FunctionName, lambda.IFunction>;
  readonly senderEmail: string;
}

/**
 * Least privilege: each function gets the actions and the prefixes it uses, nothing else.
 *
 * @example
 * grantLeastPrivilege({ bucket, table, queues, mail, portal, functions: functions.byName, senderEmail });
 */
export function grantLeastPrivilege(props: PermissionsProps): void {
  const { table, functions } = props;
  grantIngest(props);
  table.grantReadWriteData(functions.compute);
  table.grantReadWriteData(functions.remind);
  // The suppression list only: one conditional put per address reported.
  table.grantWriteData(functions.feedback);
  grantReminders(props);
  // Summarize computes every indicator again for the day (statuses move with deadlines) before
  // building the summaries; compute rebuilds the summary of the region and year it computed.
  table.grantReadWriteData(functions.summarize);
  for (const fn of [functions.summarize, functions.compute]) {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'WriteSummaries',
        actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
        resources: objectArns(props.bucket, 'summaries/'),
      }),
    );
  }
  grantPortalTable(props);
  grantPortalObjects(props);
}

function objectArns(bucket: s3.IBucket, ...prefixes: readonly string[]): string[] {
  return prefixes.map((p) => bucket.arnForObjects(`${p}*`));
}

function grantIngest({ bucket, table, queues, functions: { ingest } }: PermissionsProps): void {
  ingest.addToRolePolicy(
    new iam.PolicyStatement({
      sid: 'ReadDropZonePrefixes',
      // Tagging reads let CopyObject (the archive copy) carry an object's tags over.
      actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging', 's3:GetObjectVersionTagging'],
      resources: objectArns(bucket, ...INGEST_READ_PREFIXES),
    }),
  );
  ingest.addToRolePolicy(
    new iam.PolicyStatement({
      sid: 'ListDropZoneKeys',
      // Without s3:ListBucket, HeadObject/CopyObject on a key that has gone answer 403 instead of
      // 404/NoSuchKey, and ingest could not tell "object replaced or deleted" (skip) from a real
      // permission error (retry). It reveals key names only, never content.
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
    }),
  );
  ingest.addToRolePolicy(
    new iam.PolicyStatement({
      sid: 'WriteArchiveAndReports',
      actions: ['s3:PutObject', 's3:PutObjectTagging', 's3:AbortMultipartUpload'],
      resources: objectArns(bucket, 'archive/', 'reports/'),
    }),
  );
  table.grantReadWriteData(ingest);
  queues.computeQueue.grantSendMessages(ingest);
}

function grantReminders({ mail, portal, senderEmail, functions: { remind } }: PermissionsProps): void {
  const stack = Stack.of(remind);
  remind.addToRolePolicy(
    new iam.PolicyStatement({
      sid: 'SendRemindersFromSenderIdentity',
      actions: ['ses:SendEmail'],
      resources: [
        stack.formatArn({ service: 'ses', resource: 'identity', resourceName: emailDomain(senderEmail) }),
        stack.formatArn({ service: 'ses', resource: 'identity', resourceName: senderEmail }),
        stack.formatArn({
          service: 'ses',
          resource: 'configuration-set',
          resourceName: mail.configurationSet.configurationSetName,
        }),
      ],
    }),
  );
  portal.linkKeySecret.grantRead(remind);
}

/**
 * The portal: links and views in the table. Reads, conditional puts and updates; no Scan. Deleting
 * is needed only for the local-account sessions and failed-login counters, so only on their keys.
 */
function grantPortalTable({ table, portal, functions: { api } }: PermissionsProps): void {
  api.addToRolePolicy(
    new iam.PolicyStatement({
      sid: 'PortalTableReadsAndWrites',
      actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable'],
      resources: [table.tableArn],
    }),
  );
  api.addToRolePolicy(
    new iam.PolicyStatement({
      sid: 'PortalDeletesSessionsOnly',
      actions: ['dynamodb:DeleteItem'],
      resources: [table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['SESSION#*', 'LOGIN#*'] } },
    }),
  );
  portal.linkKeySecret.grantRead(api);
  api.addToRolePolicy(
    new iam.PolicyStatement({
      sid: 'ManageStaffAccounts',
      // The administrator's page: list, create (and place in its groups), disable, reset; this pool only.
      actions: [
        'cognito-idp:ListUsers',
        'cognito-idp:AdminGetUser',
        'cognito-idp:AdminListGroupsForUser',
        'cognito-idp:AdminCreateUser',
        'cognito-idp:AdminAddUserToGroup',
        'cognito-idp:GetGroup',
        'cognito-idp:AdminDisableUser',
        'cognito-idp:AdminUserGlobalSignOut',
        'cognito-idp:AdminResetUserPassword',
      ],
      resources: [portal.userPool.userPoolArn],
    }),
  );
}

/** The portal reaches S3 only through what it signs for browsers, and the reports it reads. */
function grantPortalObjects({ bucket, functions: { api } }: PermissionsProps): void {
  api.addToRolePolicy(
    new iam.PolicyStatement({
      sid: 'PresignEvidenceUploads',
      // A pre-signed POST carries the function's permission: uploads can only land under evidence/.
      actions: ['s3:PutObject'],
      resources: objectArns(bucket, 'evidence/'),
    }),
  );
  api.addToRolePolicy(
    new iam.PolicyStatement({
      sid: 'PresignOmeditInputs',
      // OMéDIT's files, under a region and an upload id only (referential/<region>/<id>/<file>,
      // atih|cpam/<year>/<region>/<id>/<file>): never the drop zone's own files of every region.
      // The form or the parts carry this permission; the version's download is signed with it.
      actions: ['s3:PutObject', 's3:GetObject'],
      resources: objectArns(bucket, ...OMEDIT_INPUT_PREFIXES),
    }),
  );
  api.addToRolePolicy(
    new iam.PolicyStatement({
      sid: 'PresignDroppedInputs',
      // A file a script dropped into the drop zone is downloaded from its archive copy (the drop key
      // holds only its newest version): OMéDIT's kinds only, never an establishment's evidence.
      actions: ['s3:GetObject'],
      resources: objectArns(bucket, ...DROPPED_INPUT_ARCHIVES),
    }),
  );
  api.addToRolePolicy(
    new iam.PolicyStatement({
      sid: 'ReadReportsAndPresignSummaries',
      actions: ['s3:GetObject'],
      resources: objectArns(bucket, 'reports/', 'summaries/'),
    }),
  );
  api.addToRolePolicy(
    new iam.PolicyStatement({
      sid: 'ListSummaries',
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': ['summaries/*'] } },
    }),
  );
}
