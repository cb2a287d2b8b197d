import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';

/**
 * A stack of its own for one part of infra/, in eu-west-3, with the feature flags of `cdk synth`
 * (cdk.json) and without running esbuild.
 */
export function partStack(context: Record<string, unknown> = {}): Stack {
  const cdkJson = JSON.parse(readFileSync(fileURLToPath(new URL('../../cdk.json', import.meta.url)), 'utf8')) as {
    context: Record<string, unknown>;
  };
  const app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], ...context } });
  return new Stack(app, 'Part', { env: { account: '111122223333', region: 'eu-west-3' } });
}
