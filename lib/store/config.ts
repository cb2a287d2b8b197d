import { z } from 'zod';

/** Everything the functions read from their environment, in both runtimes. */
export const RuntimeConfig = z.object({
  CAQES_TABLE: z.string().min(1),
  CAQES_BUCKET: z.string().min(1),
  CAQES_COMPUTE_QUEUE_URL: z.string().optional(),
  CAQES_SENDER: z.string().default('caqes@omedit.example'),
  CAQES_REPLY_TO: z.string().optional(),
  /** Base address of the portal (pages and API): personal links are `<portal>/depot#<token>`. */
  CAQES_PORTAL_URL: z.string().default('https://caqes.example'),
  /** AWS: Secrets Manager secret of the link signing key (staff sign in with Cognito accounts). */
  CAQES_LINK_KEY_SECRET_ARN: z.string().optional(),
  /**
   * Embedded default only: the link key and the machine credential `caqes link` uses, generated for
   * the run by lib/local/embedded.ts.
   */
  CAQES_LINK_KEY: z.string().optional(),
  CAQES_STAFF_CREDENTIALS: z.string().optional(),
  CAQES_SES_CONFIGURATION_SET: z.string().optional(),
  /**
   * AWS: the Cognito user pool of staff accounts, its portal app client and hosted sign-in address
   * (`https://<prefix>.auth.<region>.amazoncognito.com`). Set, staff sign in through Cognito and the
   * API Gateway authorizer; unset (embedded default), with local accounts (`caqes user add`).
   */
  CAQES_USER_POOL_ID: z.string().optional(),
  CAQES_USER_POOL_CLIENT_ID: z.string().optional(),
  CAQES_AUTH_URL: z.string().optional(),
  /**
   * The size beyond which OMéDIT's inputs page sends a file in parts (default 100 MB, lib/portal/inputs.ts);
   * set lower only to try the parts with small files (tests).
   */
  CAQES_MULTIPART_FROM_BYTES: z.coerce.number().int().positive().optional(),
  AWS_REGION: z.string().default('eu-west-3'),
  /** Set only on the embedded default: loopback endpoints of the emulators. */
  CAQES_S3_ENDPOINT: z.string().optional(),
  /** The folder the local S3 (s3rver) keeps its buckets in: objects are read from their files there. */
  CAQES_S3_DIRECTORY: z.string().optional(),
  CAQES_DYNAMODB_ENDPOINT: z.string().optional(),
  CAQES_SES_ENDPOINT: z.string().optional(),
});
export type RuntimeConfig = z.infer<typeof RuntimeConfig>;

export function readConfig(env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  return RuntimeConfig.parse(env);
}
