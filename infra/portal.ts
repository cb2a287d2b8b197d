import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { contextString } from './context.js';

/**
 * The staff routes, behind the Cognito JWT authorizer: OMéDIT's and the readers' regional API, the
 * administrator's, and who is signed in. Everything else (the pages, the establishments' routes,
 * which carry their personal link, and the sign-in configuration) has no authorizer.
 */
export const STAFF_ROUTE_PATHS = ['/api/omedit/{proxy+}', '/api/admin/{proxy+}', '/api/auth/me'] as const;

/** Steady rate and burst of the portal's HTTP API, for all routes together (requests per second). */
export const PORTAL_THROTTLE = { rateLimit: 20, burstLimit: 50 } as const;

/** The regions whose Cognito groups the stack creates (`-c regions=PACA,CORSE`); the administrator's page creates the others. */
const DEFAULT_REGIONS = ['PACA', 'CORSE'];

export interface PortalProps {
  /** The drop zone, which accepts browser uploads from the portal's origin only. */
  readonly bucket: s3.Bucket;
  /** A custom domain in front of the HTTP API; by default the API's own endpoint. */
  readonly portalUrl?: string;
}

/**
 * The portal's HTTP API, the HMAC key of personal links and the staff accounts (Cognito pool,
 * hosted sign-in, app client, one group per role and region). `serve` puts the API function behind
 * it once the functions exist, since they need the portal's address.
 *
 * @example
 * const portal = new Portal(stack, { bucket });
 * portal.serve(functions.api, logRetention);
 */
export class Portal {
  readonly httpApi: apigwv2.HttpApi;
  /** Where reminder links point and where Cognito sends the browser back. */
  readonly url: string;
  /** The HMAC key of personal upload links. */
  readonly linkKeySecret: secretsmanager.Secret;
  /** Staff accounts: OMéDIT, ARS and Assurance Maladie readers, administrators (groups per role and region). */
  readonly userPool: cognito.UserPool;
  /** The portal's app client: hosted sign-in, authorization code with PKCE, no secret. */
  readonly userPoolClient: cognito.UserPoolClient;
  readonly signIn: cognito.UserPoolDomain;

  constructor(private readonly scope: Construct, { bucket, portalUrl }: PortalProps) {
    this.linkKeySecret = new secretsmanager.Secret(scope, 'LinkKeySecret', {
      description: 'CAQES: HMAC key signing the personal upload links of establishments',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.httpApi = new apigwv2.HttpApi(scope, 'PortalApi', {
      description: 'CAQES portal: establishment and OMEDIT pages, upload forms, results, summaries',
      createDefaultStage: false,
    });
    this.url = portalUrl ?? this.httpApi.apiEndpoint;
    this.userPool = staffUserPool(scope);
    this.signIn = this.userPool.addDomain('StaffSignIn', {
      cognitoDomain: { domainPrefix: contextString(scope, 'authDomainPrefix') ?? `caqes-${Stack.of(scope).account}` },
    });
    this.userPoolClient = this.userPool.addClient('PortalClient', {
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL],
        callbackUrls: [`${this.url}/connexion`],
        logoutUrls: [`${this.url}/omedit`],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      // Short-lived: a disabled account's access token still passes the authorizer until it expires.
      accessTokenValidity: Duration.minutes(30),
      idTokenValidity: Duration.minutes(30),
      refreshTokenValidity: Duration.hours(1),
    });
    this.addGroups();
    // Browsers post uploads straight to the bucket with their pre-signed POST, from the portal only.
    bucket.addCorsRule({
      // PUT: the parts of a large file's multipart upload, whose ETag the page reads to complete it.
      allowedMethods: [s3.HttpMethods.POST, s3.HttpMethods.PUT],
      allowedOrigins: [Token.isUnresolved(this.url) ? this.url : new URL(this.url).origin],
      allowedHeaders: ['*'],
      exposedHeaders: ['ETag'],
      maxAge: 600,
    });
  }

  private addGroups(): void {
    const regions = (contextString(this.scope, 'regions')?.split(',') ?? DEFAULT_REGIONS).map((r) => r.trim()).filter(Boolean);
    const groups = ['admin', ...regions.flatMap((region) => ['omedit', 'ars', 'assurance_maladie'].map((role) => `${role}-${region}`))];
    for (const group of groups) {
      new cognito.CfnUserPoolGroup(this.scope, `Group-${group}`, { userPoolId: this.userPool.userPoolId, groupName: group, description: `CAQES: ${group}` });
    }
  }

  /**
   * A catch-all route for the pages, the establishments' API (their personal link) and signing in;
   * the staff routes behind Cognito's JWT authorizer; the throttled, logged `$default` stage. The
   * function checks every caller again. Returns the catch-all route.
   */
  serve(api: lambda.IFunction, logRetention: logs.RetentionDays): apigwv2.HttpRoute {
    const integration = new HttpLambdaIntegration('PortalIntegration', api);
    const defaultRoute = new apigwv2.HttpRoute(this.scope, 'PortalRoute', {
      httpApi: this.httpApi,
      routeKey: apigwv2.HttpRouteKey.DEFAULT,
      integration,
    });
    const authorizer = new HttpUserPoolAuthorizer('StaffAuthorizer', this.userPool, { userPoolClients: [this.userPoolClient] });
    STAFF_ROUTE_PATHS.forEach((routePath, i) => {
      new apigwv2.HttpRoute(this.scope, `StaffRoute${i}`, {
        httpApi: this.httpApi,
        routeKey: apigwv2.HttpRouteKey.with(routePath, apigwv2.HttpMethod.ANY),
        integration,
        authorizer,
      });
    });
    const accessLogs = new logs.LogGroup(this.scope, 'PortalAccessLogs', { retention: logRetention, removalPolicy: RemovalPolicy.RETAIN });
    new apigwv2.HttpStage(this.scope, 'PortalStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: PORTAL_THROTTLE,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        // No query string and no header: nothing that could carry a credential is logged.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            method: '$context.httpMethod',
            path: '$context.path',
            status: '$context.status',
            latency: '$context.responseLatency',
            error: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    return defaultRoute;
  }
}

/** MFA is a setting of the whole pool in Cognito: required for everyone, readers included. */
function staffUserPool(scope: Construct): cognito.UserPool {
  return new cognito.UserPool(scope, 'StaffUserPool', {
    selfSignUpEnabled: false,
    // Accounts are created with their e-mail address as user name: the audit log names them by it.
    signInAliases: { username: true },
    signInCaseSensitive: false,
    standardAttributes: { email: { required: true, mutable: true } },
    autoVerify: { email: true },
    mfa: cognito.Mfa.REQUIRED,
    mfaSecondFactor: { sms: false, otp: true },
    passwordPolicy: {
      minLength: 12,
      requireLowercase: true,
      requireUppercase: true,
      requireDigits: true,
      requireSymbols: true,
      tempPasswordValidity: Duration.days(3),
    },
    accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
    // Plus: threat protection blocks risky sign-ins and compromised passwords.
    featurePlan: cognito.FeaturePlan.PLUS,
    standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
    userInvitation: {
      emailSubject: 'Votre compte sur le portail CAQES',
      emailBody:
        'Bonjour,<br><br>Un compte a été créé pour vous sur le portail CAQES. Identifiant : {username}<br>Mot de passe provisoire : {####}<br><br>' +
        'À la première connexion, vous choisirez votre mot de passe et enregistrerez une application d’authentification (code à usage unique).',
    },
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
}
