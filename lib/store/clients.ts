import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { RuntimeConfig } from './config';

export interface Clients {
  s3: S3Client;
  dynamo: DynamoDBDocumentClient;
  ses: SESv2Client;
  sqs: SQSClient;
  secrets: SecretsManagerClient;
  /** Staff accounts on AWS (the administrator's page); never called on the embedded default. */
  cognito: CognitoIdentityProviderClient;
}

/** Emulators accept any key; real AWS takes the default credential chain. */
const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** The real AWS SDK clients; on the embedded default only their endpoints differ. */
export function createClients(config: RuntimeConfig): Clients {
  // The SDK's default user agent asks the system for its release at every request; the emulators
  // read no user agent.
  const local = (endpoint: string | undefined) =>
    endpoint ? { endpoint, credentials: LOCAL_CREDENTIALS, defaultUserAgentProvider: async () => [['caqes-local'] as [string]] } : {};
  const region = config.AWS_REGION;
  return quiet({
    // s3rver would store the framing of the SDK's default aws-chunked checksum uploads as the object's bytes.
    s3: new S3Client({
      region,
      ...local(config.CAQES_S3_ENDPOINT),
      forcePathStyle: Boolean(config.CAQES_S3_ENDPOINT),
      ...(config.CAQES_S3_ENDPOINT ? { requestChecksumCalculation: 'WHEN_REQUIRED' as const } : {}),
    }),
    dynamo: DynamoDBDocumentClient.from(new DynamoDBClient({ region, ...local(config.CAQES_DYNAMODB_ENDPOINT) }), {
      marshallOptions: { removeUndefinedValues: true },
    }),
    ses: new SESv2Client({ region, ...local(config.CAQES_SES_ENDPOINT) }),
    sqs: new SQSClient({ region }),
    secrets: new SecretsManagerClient({ region }),
    cognito: new CognitoIdentityProviderClient({ region }),
  });
}

/**
 * The clients without the SDK's logger middleware. No logger is given to them, yet that middleware
 * copied every request's input and every response's output through the operation's schema (to hide
 * sensitive members) for a log that went nowhere: on a results batch or an MO fact item, a walk of
 * the whole payload per request.
 */
function quiet(clients: Clients): Clients {
  for (const client of Object.values(clients)) client.middlewareStack.remove('loggerMiddleware');
  return clients;
}
