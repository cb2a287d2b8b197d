/**
 * Issue 21: the AWS SDK clients of both runtimes send their requests without the SDK's logger
 * middleware, which copied every request's input and response's output for a log that went nowhere.
 */
import { describe, expect, it } from 'vitest';
import { createClients } from '../../lib/store/clients';
import { RuntimeConfig } from '../../lib/store/config';

describe('the AWS SDK clients', () => {
  it('have no logger middleware, on AWS as on the embedded default, and keep the rest of their stack', () => {
    const base = { CAQES_TABLE: 't', CAQES_BUCKET: 'b', AWS_REGION: 'eu-west-3' };
    for (const env of [base, { ...base, CAQES_DYNAMODB_ENDPOINT: 'http://127.0.0.1:1', CAQES_S3_ENDPOINT: 'http://127.0.0.1:2' }]) {
      const clients = createClients(RuntimeConfig.parse(env));
      for (const client of Object.values(clients)) {
        const names: string[] = client.middlewareStack.identify();
        expect(names.some((n) => n.startsWith('loggerMiddleware'))).toBe(false);
        // Signing and retries are still there: only the log is gone.
        expect(names.some((n) => /retry/i.test(n))).toBe(true);
      }
    }
  });
});
