#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CaqesStack } from './caqes-stack.js';

// Synthesises offline: no lookups, no account needed (the stack is account-agnostic unless
// CDK_DEFAULT_ACCOUNT is known).
const app = new App();

/**
 * Health data stays in France: eu-west-3 (Paris) unless a region is asked for explicitly with
 * `-c region=...` or CAQES_REGION. CDK_DEFAULT_REGION alone is not enough, because the CDK CLI always
 * fills it, with the profile's region or, when none is configured, us-east-1.
 */
const requestedRegion: unknown = app.node.tryGetContext('region');
const region =
  (typeof requestedRegion === 'string' && requestedRegion) || process.env.CAQES_REGION || 'eu-west-3';

new CaqesStack(app, 'CaqesPipeline', {
  description:
    'CAQES follow-up pipeline: S3 drop zone, SQS, Lambda ingest/compute/remind/summarize, DynamoDB, SES',
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region },
});

// cdk-nag 3 is a CDK policy-validation plugin (v2's Aspects + NagSuppressions API is gone): any
// unacknowledged AwsSolutions finding fails the synth with a report.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
