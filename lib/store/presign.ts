import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { RuntimeConfig } from './config';

/** What one upload may be: S3 checks each of these against the POST it receives. */
export interface UploadPolicy {
  /** The exact key the file is written to: nothing else can be written with this form. */
  key: string;
  /** The one content type the form may declare. */
  contentType: string;
  /** Largest accepted file, in bytes (the smallest is 1: an empty file is refused). */
  maxBytes: number;
  expiresInSeconds: number;
}

export interface PresignedUpload {
  /** Where the browser posts the form (the bucket's endpoint). */
  url: string;
  /** The form fields to send before the file, in this order (`key` and the signed `Policy` among them). */
  fields: Record<string, string>;
  expiresAt: string;
}

/**
 * A pre-signed POST for one upload. Its policy pins the exact key (`{"key": …}`), the content type
 * (`{"Content-Type": …}`), a content-length range of 1 to `maxBytes`, the bucket, and expires after
 * `expiresInSeconds`. S3 enforces them; s3rver, the embedded default's S3, ignores POST policies, so
 * tests decode the policy and check each condition.
 *
 * @example
 * const post = await presignUpload(s3, 'caqes-drop', { key: 'evidence/2025-S2/130780018/plan_actions/u1-plan.pdf', contentType: 'application/pdf', maxBytes: 50 * 1024 ** 2, expiresInSeconds: 300 });
 */
export async function presignUpload(s3: S3Client, bucket: string, policy: UploadPolicy, now: () => Date = () => new Date()): Promise<PresignedUpload> {
  const post = await createPresignedPost(s3, {
    Bucket: bucket,
    Key: policy.key,
    // Each field becomes an exact-match condition of the policy as well.
    Fields: { 'Content-Type': policy.contentType },
    Conditions: [['content-length-range', 1, policy.maxBytes]],
    Expires: policy.expiresInSeconds,
  });
  return { url: post.url, fields: post.fields, expiresAt: new Date(now().getTime() + policy.expiresInSeconds * 1000).toISOString() };
}

/**
 * A pre-signed GET of one object, served as a download under `fileName`.
 *
 * @example
 * const { url } = await presignDownload(s3, 'caqes-drop', 'summaries/2025/PACA.xlsx', 'CAQES-2025-PACA.xlsx', 300);
 */
export async function presignDownload(
  s3: S3Client,
  bucket: string,
  key: string,
  fileName: string,
  expiresInSeconds: number,
  now: () => Date = () => new Date(),
): Promise<{ url: string; expiresAt: string }> {
  const url = await getSignedUrl(
    s3,
    new GetObjectCommand({ Bucket: bucket, Key: key, ResponseContentDisposition: `attachment; filename="${fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"` }),
    { expiresIn: expiresInSeconds },
  );
  return { url, expiresAt: new Date(now().getTime() + expiresInSeconds * 1000).toISOString() };
}

/**
 * The origin browsers post uploads to, for the pages' Content-Security-Policy (`connect-src`): the
 * emulator's loopback endpoint, or the bucket's regional virtual-hosted endpoint, which is where
 * `presignUpload` points on AWS.
 */
export function uploadOrigin(config: Pick<RuntimeConfig, 'CAQES_S3_ENDPOINT' | 'CAQES_BUCKET' | 'AWS_REGION'>): string {
  if (config.CAQES_S3_ENDPOINT) return new URL(config.CAQES_S3_ENDPOINT).origin;
  return `https://${config.CAQES_BUCKET}.s3.${config.AWS_REGION}.amazonaws.com`;
}
