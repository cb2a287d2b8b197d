/**
 * S3 event keys, as AWS writes them: "The object key name value is URL encoded. For example, "red
 * flower.jpg" becomes "red+flower.jpg"" (Amazon S3 user guide, event message structure). The embedded
 * default's events must be shaped the same (parity), and a broken key is reported, never thrown.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { awsShapedEvent, localKeyProblem, notifiesIngest } from '../../lib/local/s3-events';
import { createdObjects, decodeEventKey, encodeEventKey } from '../../lib/pipeline/s3-event';

/** An S3 notification as AWS documents it (one ObjectCreated:Put record), with the key given. */
function awsEvent(key: string): string {
  return JSON.stringify({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'eu-west-3',
        eventTime: '1970-01-01T00:00:00.000Z',
        eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: 'EXAMPLE' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': 'EXAMPLE123456789', 'x-amz-id-2': 'EXAMPLE123/5678abcdefghijklambdaisawesome/mnopqrstuvwxyzABCDEFGH' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'testConfigRule',
          bucket: { name: 'example-bucket', ownerIdentity: { principalId: 'EXAMPLE' }, arn: 'arn:aws:s3:::example-bucket' },
          object: { key, size: 1024, eTag: '0123456789abcdef0123456789abcdef', sequencer: '0A1B2C3D4E5F678901' },
        },
      },
    ],
  });
}

/** The same record as s3rver emits it: the key as it is, its own clock. */
function s3rverEvent(key: string) {
  return {
    Records: [
      {
        eventVersion: '2.0',
        eventSource: 'aws:s3',
        awsRegion: 'us-east-1',
        eventTime: '2020-01-01T00:00:00.000Z',
        eventName: 'ObjectCreated:Put',
        s3: { s3SchemaVersion: '1.0', configurationId: 'testConfigId', bucket: { name: 'caqes-local' }, object: { key, sequencer: '18D2', size: 15, eTag: 'abc' } },
      },
    ],
  };
}

const keyOf = (body: string) => createdObjects(body).map((o) => o.key);

describe('the keys of AWS S3 events', () => {
  it('decodes the user guide example: "red flower.jpg" becomes "red+flower.jpg"', () => {
    expect(keyOf(awsEvent('red+flower.jpg'))).toEqual(['red flower.jpg']);
    expect(encodeEventKey('red flower.jpg')).toBe('red+flower.jpg');
  });

  it('decodes the Lambda console\'s S3 Put test event ("test%2Fkey") and its HappyFace.jpg', () => {
    expect(keyOf(awsEvent('test%2Fkey'))).toEqual(['test/key']);
    expect(keyOf(awsEvent('HappyFace.jpg'))).toEqual(['HappyFace.jpg']);
  });

  it.each([
    ["evidence/2025-S2/130780018/plan_actions/u1-Plan d'actions 2025 100% + annexe.pdf", "evidence/2025-S2/130780018/plan_actions/u1-Plan+d%27actions+2025+100%25+%2B+annexe.pdf"],
    ['atih/2025/plan%20v2.pdf', 'atih/2025/plan%2520v2.pdf'],
    ['atih/2025/plan%2Fannexe.pdf', 'atih/2025/plan%252Fannexe.pdf'],
    ['referential/établissements 東京.csv', 'referential/%C3%A9tablissements+%E6%9D%B1%E4%BA%AC.csv'],
    ['referential/a*b-c_d.e~f(1)!.csv', 'referential/a*b-c_d.e%7Ef%281%29%21.csv'],
  ])('%s is written %s and read back as it was', (key, encoded) => {
    expect(encodeEventKey(key)).toBe(encoded);
    expect(keyOf(awsEvent(encoded))).toEqual([key]);
  });

  it('reads a key of 1,024 bytes (S3\'s maximum) whole', () => {
    const key = `referential/${'é'.repeat(500)}.csv`.padEnd(1024 - 500, 'x');
    expect(Buffer.byteLength(key)).toBe(1024);
    expect(keyOf(awsEvent(encodeEventKey(key)))).toEqual([key]);
  });

  it('reads back every key it encodes (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (key) => decodeEventKey(encodeEventKey(key)) === key));
  });

  it('flags a key whose encoding is broken instead of throwing', () => {
    const [object] = createdObjects(awsEvent('atih/2025/plan+100%+.pdf'));
    expect(object).toMatchObject({ key: 'atih/2025/plan+100%+.pdf', undecodableKey: true });
    expect(decodeEventKey('a%E9b')).toBeNull();
  });
});

describe('the embedded default\'s events have the shape of AWS\'s (parity)', () => {
  it.each(["Plan d'actions 2025 100% + annexe.pdf", 'plan%20v2.pdf', 'plan%2Fannexe.pdf', 'é 東京 +%.pdf', `${'é'.repeat(500)}`])('%s', (name) => {
    const key = `evidence/2025-S2/130780018/plan_actions/u1-${name}`;
    const local = awsShapedEvent(s3rverEvent(key), new Date('2026-02-23T06:00:00.000Z')) as ReturnType<typeof s3rverEvent>;
    const record = local.Records[0]!;
    expect(record.s3.object.key).toBe(encodeEventKey(key));
    expect(record.eventTime).toBe('2026-02-23T06:00:00.000Z');
    expect(createdObjects(JSON.stringify(local))).toEqual(createdObjects(awsEvent(encodeEventKey(key))).map((o) => ({ ...o, eventTime: '2026-02-23T06:00:00.000Z', eTag: 'abc', size: 15, sequencer: '18D2' })));
  });

  it('tells ingest of the drop zones only, as the bucket notifies the ingest queue on AWS', () => {
    for (const key of ['referential/etablissements.csv', 'atih/2025/mo-2025.csv', 'cpam/2025/phev.csv', 'evidence/2025-S2/130780018/plan_actions/u1-plan.pdf']) {
      expect(notifiesIngest(s3rverEvent(key)), key).toBe(true);
    }
    for (const key of ['archive/atih/2025/mo-2025.csv/926ef20261e9d0e11899d12ce7c8ad20', 'reports/atih/2025/mo-2025.csv/x.json', 'summaries/2025/PACA.xlsx', 'atih-2025.csv']) {
      expect(notifiesIngest(s3rverEvent(key)), key).toBe(false);
    }
    // A notification of another shape reaches ingest, which refuses it.
    expect(notifiesIngest({ Records: 'broken' })).toBe(true);
  });
});

describe('names the local S3 cannot keep as files', () => {
  it('takes up to 233 bytes per segment (255 minus s3rver\'s `._S3rver_metadata.json`)', () => {
    expect(localKeyProblem(`referential/${'a'.repeat(233)}`)).toBeNull();
    expect(localKeyProblem(`referential/${'a'.repeat(234)}`)).toMatch(/234 octets.*233/);
    expect(localKeyProblem(`referential/${'é'.repeat(117)}`)).toMatch(/234 octets/);
  });
});
