import { type Stack, Validations } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { FunctionName } from './functions.js';
import { DROPPED_INPUT_ARCHIVES, INGEST_READ_PREFIXES, OMEDIT_INPUT_PREFIXES } from './permissions.js';

/**
 * Acknowledges one cdk-nag finding on one construct (and its children). cdk-nag 3 runs as a CDK
 * policy-validation plugin and reads these acknowledgements; `id` may name a single finding, as in
 * `AwsSolutions-IAM5[Resource::*]`, which is how the old `appliesTo` is spelt now.
 */
export function acknowledge(scope: Construct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/** The managed policy every Lambda role gets for its own logs, as cdk-nag names the finding. */
export const BASIC_EXECUTION_ROLE_FINDING =
  'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]';

export interface AcknowledgedParts {
  readonly bucket: s3.Bucket;
  readonly functions: Record<FunctionName, lambda.IFunction>;
  readonly portalRoute: Construct;
  readonly linkKeySecret: Construct;
}

/**
 * The stack's acknowledged findings, each scoped to one construct and, for IAM5, to one finding:
 * the prefixes of infra/permissions.ts, X-Ray's `*`, the establishments' route without a Cognito
 * authorizer, the link key rotated by hand.
 */
export function acknowledgeStackFindings(stack: Stack, parts: AcknowledgedParts): void {
  const { functions } = parts;
  const bucketArn = `<${stack.getLogicalId(parts.bucket.node.defaultChild as s3.CfnBucket)}.Arn>`;
  for (const fn of Object.values(functions)) {
    acknowledge(fn, BASIC_EXECUTION_ROLE_FINDING, 'AWSLambdaBasicExecutionRole only lets the function write its own CloudWatch Logs, which every Lambda needs.');
    acknowledge(fn, 'AwsSolutions-IAM5[Resource::*]', 'X-Ray PutTraceSegments/PutTelemetryRecords have no resource-level permissions, so active tracing needs Resource *.');
  }
  for (const prefix of [...INGEST_READ_PREFIXES, 'reports/']) {
    acknowledge(functions.ingest, `AwsSolutions-IAM5[Resource::${bucketArn}/${prefix}*]`, `Ingest is limited to the ${prefix} prefix of the drop zone, whose object keys are not known in advance.`);
  }
  for (const fn of [functions.summarize, functions.compute]) {
    acknowledge(fn, `AwsSolutions-IAM5[Resource::${bucketArn}/summaries/*]`, 'Writes only under summaries/: the workbook, page and CSV of each campaign and region, keys not known in advance.');
  }
  for (const prefix of OMEDIT_INPUT_PREFIXES) {
    acknowledge(functions.api, `AwsSolutions-IAM5[Resource::${bucketArn}/${prefix}*]`, 'The portal signs OMéDIT’s upload forms and downloads pinned to one key under a region it holds and an upload id chosen per upload; object keys are not known in advance.');
  }
  for (const prefix of DROPPED_INPUT_ARCHIVES) {
    acknowledge(functions.api, `AwsSolutions-IAM5[Resource::${bucketArn}/${prefix}*]`, 'The portal signs the download of a file a script dropped into one of OMéDIT’s zones, from its archive copy, once it has checked that every region the file names is the caller’s; object keys are not known in advance.');
  }
  for (const [prefix, why] of [
    ['evidence/', 'signs upload forms whose policy pins one key under the establishment’s own evidence/<campaign>/<finess>/<kind>/ prefix, chosen per upload'],
    ['reports/', 'reads the validation report of an establishment’s own upload, after checking the key is its own'],
    ['summaries/', 'signs download addresses of the summary workbooks of the caller’s regions'],
  ] as const) {
    acknowledge(functions.api, `AwsSolutions-IAM5[Resource::${bucketArn}/${prefix}*]`, `The portal ${why}; object keys are not known in advance.`);
  }
  acknowledge(parts.portalRoute, 'AwsSolutions-APIG4', 'The catch-all route serves the public pages, signing in, and the establishments’ API, whose caller is a personal link (HMAC token whose record can be revoked) checked by the function against the FINESS and campaign touched (lib/portal/caller.ts); establishments have no accounts. The staff routes have their own Cognito JWT authorizer.');
  acknowledge(parts.linkKeySecret, 'AwsSolutions-SMG4', 'Rotated by hand (README): rotating the link key invalidates every link already e-mailed, so it is changed between campaigns.');

  // CDK's singleton Lambda behind the bucket-notification custom resource.
  const notificationsHandler = stack.node.children.find((c) => c.node.id.startsWith('BucketNotificationsHandler'));
  if (notificationsHandler) {
    acknowledge(notificationsHandler, BASIC_EXECUTION_ROLE_FINDING, "CDK's BucketNotificationsHandler custom resource uses AWSLambdaBasicExecutionRole only for its own logs.");
  }
}
