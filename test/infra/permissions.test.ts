import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import type { FunctionName } from '../../infra/functions.js';
import { Mail } from '../../infra/mail.js';
import { grantLeastPrivilege } from '../../infra/permissions.js';
import { Portal } from '../../infra/portal.js';
import { Queues } from '../../infra/queues.js';
import { Storage } from '../../infra/storage.js';
import { partStack } from '../helpers/cdk.js';

type Statement = { Sid?: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

describe('grantLeastPrivilege', () => {
  const stack = partStack();
  const { bucket, table } = new Storage(stack, { retentionDays: 30 });
  const queues = new Queues(stack, { bucket });
  const mail = new Mail(stack);
  const portal = new Portal(stack, { bucket });
  const names: FunctionName[] = ['ingest', 'compute', 'remind', 'summarize', 'api', 'feedback'];
  const functions = Object.fromEntries(
    names.map((n) => [n, new lambda.Function(stack, n, { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('export const handler = () => {};') })]),
  ) as Record<FunctionName, lambda.Function>;
  grantLeastPrivilege({ bucket, table, queues, mail, portal, functions, senderEmail: 'rappels@omedit.example.fr' });
  const template = Template.fromStack(stack);
  const bucketId = stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket);

  function statements(name: FunctionName): Statement[] {
    const roleId = stack.getLogicalId(functions[name].role!.node.defaultChild as never);
    const policy = Object.values(template.findResources('AWS::IAM::Policy')).find((p) =>
      JSON.stringify((p.Properties as { Roles: unknown }).Roles) === JSON.stringify([{ Ref: roleId }]),
    );
    return (policy!.Properties as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument.Statement;
  }
  const prefixArn = (prefix: string) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, `/${prefix}*`]] });

  it('lets ingest read the drop-zone prefixes and the archive, and write only archive/ and reports/', () => {
    // IAM policy minimisation orders the resources: compare them as sets.
    const sorted = (v: unknown) => [v].flat().map((r) => JSON.stringify(r)).sort();
    const byId = Object.fromEntries(statements('ingest').filter((s) => s.Sid).map((s) => [s.Sid, sorted(s.Resource)]));
    expect(byId.ReadDropZonePrefixes).toEqual(sorted(['referential/', 'cpam/', 'atih/', 'evidence/', 'archive/'].map(prefixArn)));
    expect(byId.WriteArchiveAndReports).toEqual(sorted(['archive/', 'reports/'].map(prefixArn)));
  });

  it('lets the portal delete only sessions and failed-login counters, and never scan', () => {
    const api = statements('api');
    const deletes = api.find((s) => s.Sid === 'PortalDeletesSessionsOnly')!;
    expect(deletes.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['SESSION#*', 'LOGIN#*'] } });
    expect(api.flatMap((s) => [s.Action].flat())).not.toContain('dynamodb:Scan');
  });

  it('lets only remind send e-mail, from the sender domain and address', () => {
    const sends = names.filter((n) => statements(n).some((s) => [s.Action].flat().includes('ses:SendEmail')));
    expect(sends).toEqual(['remind']);
    const ses = statements('remind').find((s) => s.Sid === 'SendRemindersFromSenderIdentity')!;
    expect(JSON.stringify(ses.Resource)).toContain(':identity/omedit.example.fr');
    expect(JSON.stringify(ses.Resource)).toContain(':identity/rappels@omedit.example.fr');
  });
});
