/**
 * "Every `caqes user` command prints a 7-line English warning of the AWS SDK about Node versions":
 * the command quiets it before any client is made, and keeps a value the user set.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCaqes } from '../helpers/cli';

const VARIABLE = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the AWS SDK’s Node-version warning', () => {
  it('is not printed once a caqes command has started', async () => {
    delete process.env[VARIABLE];
    await runCaqes('user', 'list');
    const warnings: string[] = [];
    vi.spyOn(process, 'emitWarning').mockImplementation((warning: string | Error) => void warnings.push(String(warning)));
    // Clients are made by the commands after they start; on Node below 22 the SDK would warn here.
    new DynamoDBClient({ region: 'eu-west-3', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } }).destroy();
    expect(warnings.filter((w) => w.includes('NodeVersionSupportWarning'))).toEqual([]);
    expect(process.env[VARIABLE]).toBe('true');
  });

  it('keeps the value a user set', async () => {
    process.env[VARIABLE] = 'false';
    await runCaqes('user', 'list');
    expect(process.env[VARIABLE]).toBe('false');
    delete process.env[VARIABLE];
  });
});
