/**
 * The pre-signed POST and GET the portal gives browsers. s3rver ignores POST policies, so the policy
 * is decoded here and each condition checked, and its signature recomputed (AWS Signature V4).
 */
import { createHmac } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { EstablishmentCaller } from '../../lib/portal/caller';
import { planUpload, UPLOAD_FORM_SECONDS } from '../../lib/portal/upload-policy';
import { presignDownload, presignUpload, uploadOrigin } from '../../lib/store/presign';
import { INGEST_LIMITS } from '../../lib/formats/limits';

const BUCKET = 'caqes-drop-zone';
const CREDENTIALS = { accessKeyId: 'AKIAEXAMPLEKEY', secretAccessKey: 'example/secret/key', sessionToken: 'session-token-of-the-role' };
const aws = new S3Client({ region: 'eu-west-3', credentials: CREDENTIALS });
const NOW = new Date();

const timone: EstablishmentCaller = { kind: 'establishment', finess: '130780018', campaign: '2025-S2', region: 'PACA', linkId: 'l1', expiresAt: '2026-03-25T00:00:00.000Z' };

type Condition = Record<string, string> | [string, string | number, string | number];

async function signedForm(fileName = 'Plan d’actions 2025.pdf', kind = 'plan_actions') {
  const planned = planUpload(timone, { kind, fileName, size: 120_000 }, 'u1abc');
  // The policy's expiration comes from the signer's own clock, read while it signs.
  const signing = { from: Date.now(), to: 0 };
  const post = await presignUpload(aws, BUCKET, { key: planned.key, contentType: planned.contentType, maxBytes: planned.maxBytes, expiresInSeconds: UPLOAD_FORM_SECONDS }, () => NOW);
  signing.to = Date.now();
  const policy = JSON.parse(Buffer.from(post.fields.Policy!, 'base64').toString('utf8')) as { expiration: string; conditions: Condition[] };
  return { planned, post, policy, signing };
}

describe('the pre-signed POST of an upload', () => {
  it('pins the exact key, under the establishment’s own evidence/<campaign>/<finess>/<kind>/ prefix', async () => {
    const { planned, post, policy } = await signedForm();
    expect(planned.key).toBe('evidence/2025-S2/130780018/plan_actions/u1abc-Plan_d_actions_2025.pdf');
    expect(post.fields.key).toBe(planned.key);
    expect(policy.conditions).toContainEqual({ key: planned.key });
    // No condition lets the form choose another key.
    expect(policy.conditions.filter((c) => Array.isArray(c) && c[1] === '$key')).toEqual([]);
  });

  it('bounds the size from 1 byte to the kind’s limit, and pins the content type', async () => {
    const { post, policy } = await signedForm();
    expect(policy.conditions).toContainEqual(['content-length-range', 1, INGEST_LIMITS.maxEvidenceBytes]);
    expect(policy.conditions).toContainEqual({ 'Content-Type': 'application/pdf' });
    expect(post.fields['Content-Type']).toBe('application/pdf');
    const table = await signedForm('argumentaire.xlsx', 'argumentaire_hors_amm');
    expect(table.policy.conditions).toContainEqual(['content-length-range', 1, INGEST_LIMITS.maxWorkbookBytes]);
    expect(table.policy.conditions).toContainEqual({ 'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
  });

  it('names the bucket, expires five minutes after it is signed, and carries the role’s session', async () => {
    const { post, policy, signing } = await signedForm();
    expect(policy.conditions).toContainEqual({ bucket: BUCKET });
    const expires = Date.parse(policy.expiration);
    // Five minutes after the signing, to the second the policy is written in.
    expect(expires).toBeGreaterThan(signing.from + (UPLOAD_FORM_SECONDS - 1) * 1000);
    expect(expires).toBeLessThanOrEqual(signing.to + UPLOAD_FORM_SECONDS * 1000);
    expect(UPLOAD_FORM_SECONDS).toBe(300);
    expect(post.expiresAt).toBe(new Date(NOW.getTime() + 300_000).toISOString());
    expect(policy.conditions).toContainEqual({ 'X-Amz-Algorithm': 'AWS4-HMAC-SHA256' });
    expect(policy.conditions).toContainEqual({ 'X-Amz-Security-Token': CREDENTIALS.sessionToken });
    expect(post.url).toBe(`https://${BUCKET}.s3.eu-west-3.amazonaws.com/`);
  });

  it('has no condition other than those, and every field the browser sends is one of them', async () => {
    const { post, policy } = await signedForm();
    const names = policy.conditions.map((c) => (Array.isArray(c) ? c[0] : Object.keys(c)[0]));
    expect(names.sort()).toEqual(
      ['Content-Type', 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Security-Token', 'bucket', 'content-length-range', 'key'].sort(),
    );
    for (const c of policy.conditions) {
      if (Array.isArray(c)) continue;
      const [name, value] = Object.entries(c)[0]!;
      expect(post.fields[name], name).toBe(value);
    }
  });

  it('is signed with the role’s key over the policy exactly as sent (Signature V4)', async () => {
    const { post } = await signedForm();
    const [, date, region, service] = /^[^/]+\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request$/.exec(post.fields['X-Amz-Credential']!)!;
    const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
    const signingKey = hmac(hmac(hmac(hmac(`AWS4${CREDENTIALS.secretAccessKey}`, date!), region!), service!), 'aws4_request');
    expect(post.fields['X-Amz-Signature']).toBe(createHmac('sha256', signingKey).update(post.fields.Policy!).digest('hex'));
    expect(region).toBe('eu-west-3');
    expect(service).toBe('s3');
  });

  it('is posted where the pages’ Content-Security-Policy lets the browser connect, on AWS and locally', async () => {
    const { post } = await signedForm();
    expect(uploadOrigin({ CAQES_BUCKET: BUCKET, AWS_REGION: 'eu-west-3', CAQES_S3_ENDPOINT: undefined })).toBe(new URL(post.url).origin);
    const local = new S3Client({ region: 'eu-west-3', endpoint: 'http://127.0.0.1:4569', forcePathStyle: true, credentials: CREDENTIALS });
    const localPost = await presignUpload(local, 'caqes-local', { key: 'evidence/x', contentType: 'text/csv', maxBytes: 10, expiresInSeconds: 60 });
    expect(localPost.url).toBe('http://127.0.0.1:4569/caqes-local');
    expect(uploadOrigin({ CAQES_BUCKET: 'caqes-local', AWS_REGION: 'eu-west-3', CAQES_S3_ENDPOINT: 'http://127.0.0.1:4569' })).toBe(new URL(localPost.url).origin);
  });
});

describe('the pre-signed GET of a summary', () => {
  it('reads that one workbook, as a download with a safe name, for five minutes', async () => {
    const { url, expiresAt } = await presignDownload(aws, BUCKET, 'summaries/2025/PACA.xlsx', 'CAQES-synthese-PACA-2025.xlsx', 300, () => NOW);
    const parsed = new URL(url);
    expect(parsed.origin + parsed.pathname).toBe(`https://${BUCKET}.s3.eu-west-3.amazonaws.com/summaries/2025/PACA.xlsx`);
    expect(parsed.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(parsed.searchParams.get('response-content-disposition')).toBe('attachment; filename="CAQES-synthese-PACA-2025.xlsx"');
    expect(expiresAt).toBe(new Date(NOW.getTime() + 300_000).toISOString());
  });
});
