import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

export interface StorageProps {
  /** Days a drop zone's noncurrent version and an access log are kept (context `retentionDays`). */
  readonly retentionDays: number;
}

/**
 * The drop zone, its access-log bucket and the table: everything that holds data, all retained.
 *
 * Like every part of the stack, it adds its resources to the scope it is given, not to a child
 * construct of its own: a child would change every logical id, and CloudFormation would replace the
 * bucket, the table and the user pool (README, The CDK app).
 *
 * @example
 * const storage = new Storage(stack, { retentionDays: 3650 });
 * storage.table.grantReadData(fn);
 */
export class Storage {
  readonly accessLogBucket: s3.Bucket;
  readonly bucket: s3.Bucket;
  readonly table: dynamodb.Table;

  constructor(scope: Construct, { retentionDays }: StorageProps) {
    this.accessLogBucket = new s3.Bucket(scope, 'AccessLogBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED, // log delivery only supports SSE-S3
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(retentionDays) }],
    });
    // AwsSolutions-S1 (access logs) does not fire here: cdk-nag recognises a log-destination bucket.

    this.bucket = new s3.Bucket(scope, 'DropZone', {
      versioned: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: 'drop-zone/',
      eventBridgeEnabled: false,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'legal-retention-of-noncurrent-versions',
          noncurrentVersionExpiration: Duration.days(retentionDays),
        },
        { id: 'abort-incomplete-multipart', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
    });

    this.table = new dynamodb.Table(scope, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      // Sessions and failed-login counters of local accounts carry their expiry here (the code checks it too).
      timeToLiveAttribute: 'ttl',
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
