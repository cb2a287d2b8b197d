/**
 * Multipart uploads of large files (a national extract of 1.2 GB) straight from the browser to S3:
 * the function starts the upload on one key, signs a PUT address per part, and completes it with the
 * parts' ETags the browser read. A part sent is kept by S3 until the upload is completed (or the
 * bucket's lifecycle rule removes it), so an interrupted upload resumes with the parts still missing.
 */
import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, UploadPartCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

export interface MultipartSigner {
  /** Starts a multipart upload on `key`; its S3 upload id. */
  start(key: string, contentType: string): Promise<string>;
  /** A PUT address for each part number, valid `expiresInSeconds`. */
  parts(key: string, uploadId: string, partNumbers: readonly number[], expiresInSeconds: number): Promise<{ partNumber: number; url: string }[]>;
  complete(key: string, uploadId: string, parts: readonly { partNumber: number; etag: string }[]): Promise<void>;
}

/**
 * The multipart signer of a bucket.
 *
 * @example
 * const uploadId = await multipartSigner(s3, 'caqes-drop').start('cpam/2025/PACA/u1/open-phmev-2025.csv', 'text/csv');
 */
export function multipartSigner(s3: S3Client, bucket: string): MultipartSigner {
  return {
    async start(key, contentType) {
      const out = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: contentType }));
      if (!out.UploadId) throw new Error(`S3 gave no upload id for ${key}`);
      return out.UploadId;
    },
    async parts(key, uploadId, partNumbers, expiresInSeconds) {
      return Promise.all(
        partNumbers.map(async (partNumber) => ({
          partNumber,
          url: await getSignedUrl(s3, new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: partNumber }), { expiresIn: expiresInSeconds }),
        })),
      );
    },
    async complete(key, uploadId, parts) {
      const sorted = [...parts].sort((a, b) => a.partNumber - b.partNumber).map((p) => ({ PartNumber: p.partNumber, ETag: p.etag }));
      await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: sorted } }));
    },
  };
}
