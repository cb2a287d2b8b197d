import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { Region } from '../domain/schemas';
import type { RuntimeConfig } from './config';

/** The HMAC key personal links are signed with: long and random (the stack generates 64 characters). */
export const LinkKey = z.string().min(32);

/**
 * The machine credential of the embedded default: a bearer token that stands for OMéDIT over some
 * regions (`*` for every region), used by `caqes link` against `caqes serve`. People sign in with
 * accounts (local ones here, Cognito on AWS, lib/portal/caller.ts); the stack creates no such secret.
 */
export const StaffCredential = z.object({
  name: z.string().min(1).default('omedit'),
  token: z.string().min(32),
  regions: z.array(z.union([Region, z.literal('*')])).min(1),
});
export type StaffCredential = z.infer<typeof StaffCredential>;

/** One credential (what the embedded default generates) or a list of them. */
export const StaffCredentials = z.union([StaffCredential.transform((c) => [c]), z.array(StaffCredential).min(1)]);

/** The portal's secrets, read once and then again after `REFRESH_MS`, so a rotated link key takes effect without a deployment. */
export interface PortalSecrets {
  linkKey(): Promise<string>;
  staffCredentials(): Promise<StaffCredential[]>;
}

const REFRESH_MS = 5 * 60 * 1000;

/**
 * The portal's secrets: the link key from Secrets Manager on AWS (`CAQES_LINK_KEY_SECRET_ARN`), both
 * from the environment on the embedded default, which generates them for each run (`CAQES_LINK_KEY`,
 * `CAQES_STAFF_CREDENTIALS`); on AWS there is no machine credential, so none is accepted.
 *
 * @example
 * const secrets = portalSecrets(readConfig(), new SecretsManagerClient({}));
 * const key = await secrets.linkKey();
 * @throws Error when the link key is asked for and neither its ARN nor its local value is configured,
 * or when a value does not have its shape.
 */
export function portalSecrets(config: RuntimeConfig, client: SecretsManagerClient, clock: () => number = Date.now): PortalSecrets {
  const cached = <T>(read: () => Promise<T>) => {
    let value: { at: number; promise: Promise<T> } | undefined;
    return () => {
      if (!value || clock() - value.at > REFRESH_MS) {
        const promise = read();
        value = { at: clock(), promise };
        // A failed read is not kept: the next call asks again.
        promise.catch(() => (value = undefined));
      }
      return value.promise;
    };
  };
  const read = async (arn: string | undefined, local: string | undefined, name: string): Promise<string> => {
    if (arn) {
      const out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
      if (!out.SecretString) throw new Error(`secret ${name} has no string value`);
      return out.SecretString;
    }
    if (local) return local;
    throw new Error(`${name}: neither its secret ARN nor its local value is configured`);
  };
  return {
    linkKey: cached(async () => LinkKey.parse(await read(config.CAQES_LINK_KEY_SECRET_ARN, config.CAQES_LINK_KEY, 'link key'))),
    staffCredentials: async () => (config.CAQES_STAFF_CREDENTIALS ? StaffCredentials.parse(JSON.parse(config.CAQES_STAFF_CREDENTIALS)) : []),
  };
}
