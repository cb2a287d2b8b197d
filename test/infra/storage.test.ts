import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { Storage } from '../../infra/storage.js';
import { partStack } from '../helpers/cdk.js';

describe('Storage', () => {
  const stack = partStack();
  const storage = new Storage(stack, { retentionDays: 30 });
  const template = Template.fromStack(stack);

  it('keeps noncurrent drop-zone versions and access logs the retention asked for, and logs into the log bucket', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: {
        Rules: [
          { Id: 'legal-retention-of-noncurrent-versions', NoncurrentVersionExpiration: { NoncurrentDays: 30 }, Status: 'Enabled' },
          { Id: 'abort-incomplete-multipart', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 }, Status: 'Enabled' },
        ],
      },
      LoggingConfiguration: { LogFilePrefix: 'drop-zone/' },
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: [{ Id: 'expire-access-logs', ExpirationInDays: 30, Status: 'Enabled' }] },
    });
  });

  it('keeps its logical ids: the ids given, in the stack it was given', () => {
    expect(stack.getLogicalId(storage.bucket.node.defaultChild as never)).toMatch(/^DropZone[0-9A-F]{8}$/);
    expect(stack.getLogicalId(storage.table.node.defaultChild as never)).toMatch(/^Table[0-9A-F]{8}$/);
  });

  it('makes one pk/sk table, on demand, with point-in-time recovery and the ttl attribute, retained', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      },
    });
  });
});
