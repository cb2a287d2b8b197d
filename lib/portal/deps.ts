import type { Runtime } from '../runtime';
import { CognitoDirectory } from '../store/cognito-directory';
import { keptEmailSource } from './kept-emails';
import { multipartSigner } from '../store/multipart';
import { listKeys } from '../store/listing';
import { presignDownload, presignUpload, uploadOrigin } from '../store/presign';
import { localDirectory } from './accounts';
import { auditLog } from '../store/audit-log';
import { authConfig } from './auth-config';
import { linkDeps } from './links';
import type { PortalDeps } from './routes';

/**
 * Everything the portal's routes need, from the runtime (the same in both runtimes; only where
 * accounts live differs: Cognito's user pool on AWS, the table on the embedded default).
 *
 * @example
 * const response = await handleRequest(request, portalDeps(runtime()));
 */
export function portalDeps(rt: Runtime): PortalDeps {
  const { s3 } = rt.clients;
  const bucket = rt.objects.bucket;
  const auth = authConfig(rt.config);
  const pool = rt.config.CAQES_USER_POOL_ID;
  return {
    ...linkDeps(rt),
    referential: rt.referential,
    results: rt.results,
    evidence: rt.evidence,
    fileEvents: rt.fileEvents,
    reminders: rt.reminders,
    objects: rt.objects,
    accounts: rt.accounts,
    sessions: rt.sessions,
    loginAttempts: rt.loginAttempts,
    directory: auth.mode === 'cognito' && pool ? new CognitoDirectory(rt.clients.cognito, pool) : localDirectory(rt.accounts, rt.now),
    audit: auditLog(rt.audit, rt.now),
    auditEntries: rt.audit,
    reports: rt.reports,
    inputs: rt.inputs,
    multipart: multipartSigner(s3, bucket),
    keptEmails: keptEmailSource(rt.config.CAQES_SES_ENDPOINT),
    ...(rt.config.CAQES_MULTIPART_FROM_BYTES === undefined ? {} : { multipartFromBytes: rt.config.CAQES_MULTIPART_FROM_BYTES }),
    auth,
    presigner: {
      upload: (policy) => presignUpload(s3, bucket, policy, rt.now),
      download: (key, fileName, seconds) => presignDownload(s3, bucket, key, fileName, seconds, rt.now),
    },
    listKeys: (prefix) => listKeys(s3, bucket, prefix),
    uploadOrigin: uploadOrigin(rt.config),
    logger: rt.logger,
  };
}
