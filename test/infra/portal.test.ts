import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { Portal, STAFF_ROUTE_PATHS } from '../../infra/portal.js';
import { partStack } from '../helpers/cdk.js';

function portalWith(context: Record<string, unknown>, portalUrl?: string) {
  const stack = partStack(context);
  const bucket = new s3.Bucket(stack, 'Bucket');
  const portal = new Portal(stack, { bucket, portalUrl });
  const api = new lambda.Function(stack, 'Api', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('export const handler = () => {};') });
  portal.serve(api, logs.RetentionDays.ONE_YEAR);
  return Template.fromStack(stack);
}

describe('Portal', () => {
  it('creates the administrators group and the three roles of each region asked for', () => {
    const template = portalWith({ regions: 'OCCITANIE' });
    const groups = Object.values(template.findResources('AWS::Cognito::UserPoolGroup')).map((g) => (g.Properties as { GroupName: string }).GroupName);
    expect(groups.sort()).toEqual(['admin', 'ars-OCCITANIE', 'assurance_maladie-OCCITANIE', 'omedit-OCCITANIE']);
  });

  it('accepts browser uploads from the portal origin only, and sends the browser back to it after sign-in', () => {
    const template = portalWith({}, 'https://caqes.omedit.example.fr');
    template.hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: { CorsRules: [{ AllowedMethods: ['POST', 'PUT'], AllowedOrigins: ['https://caqes.omedit.example.fr'], ExposedHeaders: ['ETag'], MaxAge: 600, AllowedHeaders: ['*'] }] },
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      CallbackURLs: ['https://caqes.omedit.example.fr/connexion'],
      LogoutURLs: ['https://caqes.omedit.example.fr/omedit'],
    });
  });

  it('puts the staff routes behind the JWT authorizer, the catch-all route without one, on a throttled stage', () => {
    const template = portalWith({});
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties as { RouteKey: string; AuthorizationType?: string });
    const byKey = Object.fromEntries(routes.map((r) => [r.RouteKey, r.AuthorizationType ?? 'NONE']));
    expect(byKey).toEqual({
      $default: 'NONE',
      ...Object.fromEntries(STAFF_ROUTE_PATHS.map((p) => [`ANY ${p}`, 'JWT'])),
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 50 },
    });
  });
});
