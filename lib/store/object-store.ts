import {
  CopyObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

/** S3 access for both runtimes: the drop zone, the archive, reports and summaries. */
export class ObjectStore {
  constructor(
    private readonly s3: S3Client,
    readonly bucket: string,
    /**
     * s3rver reads a copy source with `decodeURI`, which leaves `%2B`, `%23`, `%3F`… encoded: the
     * embedded default (`copySourceAsUri`) names it with `encodeURI`, which that reverses exactly.
     */
    private readonly options: { copySourceAsUri?: boolean; localDirectory?: string } = {},
  ) {}

  /**
   * Copies the received object to its immutable archive key, but only if it still has the ETag the
   * event announced: an object overwritten meanwhile is left to its own event. With a version id
   * (the deployed, versioned bucket) that exact version is copied.
   * Returns false when the object changed or disappeared.
   */
  async archive(key: string, etag: string, archiveKey: string, versionId?: string): Promise<boolean> {
    const expected = etag.replace(/"/g, '');
    // s3rver ignores copy preconditions, so without versions the ETag is also checked beforehand.
    if (!versionId && (await this.etag(key)) !== expected) return false;
    try {
      await this.s3.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: archiveKey,
          CopySource: `${this.bucket}/${this.copySourceKey(key)}${versionId ? `?versionId=${encodeURIComponent(versionId)}` : ''}`,
          CopySourceIfMatch: versionId ? undefined : `"${expected}"`,
        }),
      );
      return true;
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === 'PreconditionFailed' || name === 'NoSuchKey' || name === 'NotFound') return false;
      throw error;
    }
  }

  private copySourceKey(key: string): string {
    return this.options.copySourceAsUri ? encodeURI(key) : encodeURIComponent(key).replace(/%2F/g, '/');
  }

  /** The current ETag of an object, or null when it is gone. */
  async etag(key: string): Promise<string | null> {
    return (await this.head(key))?.etag ?? null;
  }

  /** The current ETag (without quotes) and version id of an object, or null when it is gone. */
  async head(key: string): Promise<{ etag: string | null; versionId: string | undefined } | null> {
    try {
      const head = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { etag: head.ETag?.replace(/"/g, '') ?? null, versionId: head.VersionId };
    } catch (error) {
      if ((error as { name?: string }).name === 'NotFound' || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return null;
      throw error;
    }
  }

  /**
   * A stream of the object's bytes: extracts are never loaded whole. On the embedded default
   * (`localDirectory`, the folder s3rver keeps its buckets in) the object's own file is read, as
   * GetObject would serve it, without its trip through s3rver and the SDK over loopback HTTP.
   */
  async read(key: string): Promise<Readable> {
    const path = this.localFile(key);
    if (path) return this.readLocalFile(path, key);
    const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return out.Body as Readable;
  }

  /**
   * On the embedded default, the file s3rver keeps an object's bytes in (each key segment a folder,
   * the last one's file named with its suffix); null where objects are read through S3 only.
   */
  localFile(key: string): string | null {
    if (!this.options.localDirectory) return null;
    const parts = key.split('/');
    return join(this.options.localDirectory, this.bucket, ...parts.slice(0, -1), `${parts[parts.length - 1]}._S3rver_object`);
  }

  private async readLocalFile(path: string, key: string): Promise<Readable> {
    try {
      return (await open(path)).createReadStream();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      throw Object.assign(new Error(`The specified key does not exist: ${key}`), { name: 'NoSuchKey' });
    }
  }

  async readBuffer(key: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.read(key)) chunks.push(Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks);
  }

  async putJson(key: string, value: unknown): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: JSON.stringify(value, null, 2), ContentType: 'application/json; charset=utf-8' }),
    );
  }

  async putBuffer(key: string, body: Uint8Array | string, contentType: string): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }));
  }
}
