import type { Runtime } from '../runtime';
import { listKeys } from '../store/listing';
import { presignDownload, presignUpload, uploadOrigin } from '../store/presign';
import { linkDeps } from './links';
import type { PortalDeps } from './routes';

/**
 * Everything the portal's routes need, from the runtime (the same in both runtimes).
 *
 * @example
 * const response = await handleRequest(request, portalDeps(runtime()));
 */
export function portalDeps(rt: Runtime): PortalDeps {
  const { s3 } = rt.clients;
  const bucket = rt.objects.bucket;
  return {
    ...linkDeps(rt),
    store: rt.store,
    objects: rt.objects,
    presigner: {
      upload: (policy) => presignUpload(s3, bucket, policy, rt.now),
      download: (key, fileName, seconds) => presignDownload(s3, bucket, key, fileName, seconds, rt.now),
    },
    listKeys: (prefix) => listKeys(s3, bucket, prefix),
    uploadOrigin: uploadOrigin(rt.config),
    logger: rt.logger,
  };
}
