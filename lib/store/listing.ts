import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';

/**
 * The keys under a prefix, all pages. Listing asks only for `s3:ListBucket` on that prefix, where a
 * HEAD on an absent key would need it on the whole bucket to answer 404 rather than 403.
 *
 * @example
 * const keys = await listKeys(s3, 'caqes-drop', s3Keys.summaryPrefix());
 */
export async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}
