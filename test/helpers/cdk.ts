import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';

/** An app with the same feature flags as `cdk synth` (cdk.json), and no esbuild run: bundling is skipped. */
export function cdkApp(context: Record<string, unknown> = {}): App {
  const cdkJson = JSON.parse(readFileSync(fileURLToPath(new URL('../../cdk.json', import.meta.url)), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], ...context } });
}

/** A stack of its own for one part of infra/, in eu-west-3, in such an app. */
export function partStack(context: Record<string, unknown> = {}): Stack {
  return new Stack(cdkApp(context), 'Part', { env: { account: '111122223333', region: 'eu-west-3' } });
}
