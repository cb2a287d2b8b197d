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
  /** AWS: Secrets Manager secrets of the link signing key and of the staff credential(s). */
  CAQES_LINK_KEY_SECRET_ARN: z.string().optional(),
  CAQES_STAFF_SECRET_ARN: z.string().optional(),
  /** Embedded default only: the same two secrets, generated for the run by lib/local/embedded.ts. */
  CAQES_LINK_KEY: z.string().optional(),
  CAQES_STAFF_CREDENTIALS: z.string().optional(),
  CAQES_SES_CONFIGURATION_SET: z.string().optional(),
  AWS_REGION: z.string().default('eu-west-3'),
  /** Set only on the embedded default: loopback endpoints of the emulators. */
  CAQES_S3_ENDPOINT: z.string().optional(),
  CAQES_DYNAMODB_ENDPOINT: z.string().optional(),
  CAQES_SES_ENDPOINT: z.string().optional(),
});
export type RuntimeConfig = z.infer<typeof RuntimeConfig>;

export function readConfig(env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  return RuntimeConfig.parse(env);
}
