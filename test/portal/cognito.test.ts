/**
 * Staff on AWS: API Gateway's JWT authorizer verifies the Cognito token and hands its claims to the
 * function, which maps them to a caller through the same seam (lib/portal/caller.ts). The hosted
 * sign-in itself cannot run here: these tests take events as API Gateway gives them, and Cognito's
 * administration API through aws-sdk-client-mock.
 */
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminResetUserPasswordCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
  GetGroupCommand,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { apiRequestOf } from '../../functions/api/request';
import { serveHttpApi } from '../../lib/local/http-api';
import { authConfig } from '../../lib/portal/auth-config';
import { callerFromClaims, groupsOfClaims } from '../../lib/portal/caller';
import { ApiError } from '../../lib/portal/errors';
import { handleRequest, type PortalDeps } from '../../lib/portal/routes';
import { CognitoDirectory } from '../../lib/store/cognito-directory';

/** The claims of a Cognito access token as an HTTP API hands them over: strings, groups as `[a b]`. */
function accessClaims(groups: string, username = 'pharmacien@omedit-paca.fr'): Record<string, string> {
  return {
    auth_time: '1764000000',
    client_id: '4o5vq1ab2cd3ef4gh5ij6kl7mn',
    'cognito:groups': groups,
    event_id: '0f3a6f3e-2b5c-4c1e-9c61-3e2a1c0b9d7e',
    exp: '1764001800',
    iat: '1764000000',
    iss: 'https://cognito-idp.eu-west-3.amazonaws.com/eu-west-3_AbCdEf123',
    jti: '7c9e2d4b-1a3f-4e5d-8b6c-0f1e2d3c4b5a',
    origin_jti: '5b4c3d2e-1f0e-4d9c-8b7a-6f5e4d3c2b1a',
    scope: 'openid email',
    sub: 'a1b2c3d4-e5f6-4789-abcd-ef0123456789',
    token_use: 'access',
    username,
  };
}

/** An HTTP API (payload 2.0) event of a staff route, after the JWT authorizer. */
function staffEvent(method: string, path: string, claims: Record<string, string>, body?: unknown): APIGatewayProxyEventV2WithJWTAuthorizer {
  return {
    version: '2.0',
    routeKey: 'ANY /api/omedit/{proxy+}',
    rawPath: path,
    rawQueryString: '',
    cookies: ['_ga=GA1.1.123'],
    headers: {
      Authorization: 'Bearer eyJraWQiOiJ4eHgiLCJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl',
      Host: 'abc123defg.execute-api.eu-west-3.amazonaws.com',
      'Content-Type': 'application/json',
      Origin: 'https://caqes.omedit-paca.fr',
    },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123defg',
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims, scopes: null as unknown as string[] } },
      domainName: 'abc123defg.execute-api.eu-west-3.amazonaws.com',
      domainPrefix: 'abc123defg',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'Mozilla/5.0' },
      requestId: 'Xyz123AbCdEFg=',
      routeKey: 'ANY /api/omedit/{proxy+}',
      stage: '$default',
      time: '24/Nov/2026:08:00:00 +0000',
      timeEpoch: 1_795_507_200_000,
    },
    pathParameters: { proxy: path.replace('/api/omedit/', '') },
    body: body === undefined ? undefined : JSON.stringify(body),
    isBase64Encoded: false,
  };
}

/** Routes reached with these dependencies must refuse before touching any of them. */
const untouchable = new Proxy({} as PortalDeps, {
  get: (_target, name) => {
    if (name === 'logger') return { info: () => undefined, warn: () => undefined, error: () => undefined };
    throw new Error(`dependency ${String(name)} touched`);
  },
});

function refusal(claims: Record<string, unknown>): { status: number; message: string } {
  try {
    callerFromClaims(claims);
  } catch (error) {
    return { status: (error as ApiError).status, message: (error as ApiError).message };
  }
  throw new Error('not refused');
}

describe('an HTTP API event', () => {
  it('becomes the portal’s request with the authorizer’s claims, the client’s address and its cookies', () => {
    const request = apiRequestOf(staffEvent('GET', '/api/omedit/overview', accessClaims('[omedit-PACA]')));
    expect(request).toMatchObject({
      method: 'GET',
      path: '/api/omedit/overview',
      sourceIp: '203.0.113.7',
      headers: { authorization: expect.stringMatching(/^Bearer /), origin: 'https://caqes.omedit-paca.fr', cookie: '_ga=GA1.1.123' },
      claims: { 'cognito:groups': '[omedit-PACA]', token_use: 'access' },
    });
  });

  it('carries claims only when API Gateway’s authorizer put them there', () => {
    const event = staffEvent('GET', '/api/depot', {});
    delete (event.requestContext as { authorizer?: unknown }).authorizer;
    // A client's headers are headers, never claims.
    event.headers['x-claims'] = JSON.stringify({ 'cognito:groups': '[admin]' });
    expect(apiRequestOf(event).claims).toBeUndefined();
  });

  it('from the local server never has an authorizer, whatever the request says', async () => {
    const http = await serveHttpApi(0);
    const seen: unknown[] = [];
    http.setHandler(async (event) => {
      seen.push(event.requestContext);
      return { statusCode: 200, body: '{}' };
    });
    try {
      await fetch(`${http.url}/api/omedit/overview`, { headers: { authorizer: '{"jwt":{"claims":{"cognito:groups":"[admin]"}}}', cookie: 'a=1; b=2' } });
    } finally {
      http.server.close();
    }
    expect(seen).toHaveLength(1);
    expect(seen[0]).not.toHaveProperty('authorizer');
  });
});

describe('Cognito claims', () => {
  it('make a PACA OMéDIT pharmacist of an access token’s groups, named by its user name (its e-mail)', () => {
    expect(callerFromClaims(accessClaims('[omedit-PACA]'))).toEqual({ kind: 'staff', role: 'omedit', name: 'pharmacien@omedit-paca.fr', regions: new Set(['PACA']), via: 'cognito' });
    expect(callerFromClaims(accessClaims('[omedit-PACA omedit-CORSE]')).regions).toEqual(new Set(['CORSE', 'PACA']));
  });

  it('read groups however they come: API Gateway’s `[a b]`, a JSON array, a list, a single group', () => {
    expect(groupsOfClaims({ 'cognito:groups': '[ars-CORSE assurance_maladie-PACA]' })).toEqual(['ars-CORSE', 'assurance_maladie-PACA']);
    expect(groupsOfClaims({ 'cognito:groups': '["ars-CORSE","ars-PACA"]' })).toEqual(['ars-CORSE', 'ars-PACA']);
    expect(groupsOfClaims({ 'cognito:groups': ['admin'] })).toEqual(['admin']);
    expect(groupsOfClaims({ 'cognito:groups': 'ars-CORSE' })).toEqual(['ars-CORSE']);
    expect(groupsOfClaims({})).toEqual([]);
  });

  it('make readers and the administrator of their groups; an ID token’s e-mail names the caller', () => {
    expect(callerFromClaims(accessClaims('[ars-CORSE]'))).toMatchObject({ role: 'ars', regions: new Set(['CORSE']) });
    expect(callerFromClaims(accessClaims('[assurance_maladie-PACA]'))).toMatchObject({ role: 'assurance_maladie', regions: new Set(['PACA']) });
    expect(callerFromClaims(accessClaims('[admin]', 'admin@omedit-paca.fr'))).toEqual({ kind: 'staff', role: 'admin', name: 'admin@omedit-paca.fr', regions: new Set(), via: 'cognito' });
    const { username: _username, ...claims } = accessClaims('[ars-PACA]');
    expect(callerFromClaims({ ...claims, token_use: 'id', email: 'lecteur@ars-paca.fr', 'cognito:username': 'b7f0c2d4' }).name).toBe('lecteur@ars-paca.fr');
  });

  it('ignore groups that name no role, and refuse an account with no role or with several', () => {
    expect(callerFromClaims(accessClaims('[eu-west-3_AbCdEf123_Google omedit-PACA omedit-pas une région]')).regions).toEqual(new Set(['PACA']));
    expect(refusal(accessClaims(''))).toEqual({ status: 403, message: 'Votre compte n’a aucun rôle sur ce portail : demandez-en un à l’administrateur.' });
    expect(refusal(accessClaims('[lecteurs]'))).toMatchObject({ status: 403 });
    expect(refusal(accessClaims('[omedit-PACA ars-CORSE]'))).toEqual({ status: 403, message: 'Votre compte a plusieurs rôles : un compte ne doit en avoir qu’un. Prévenez l’administrateur.' });
    expect(refusal(accessClaims('[admin omedit-PACA]'))).toMatchObject({ status: 403 });
  });

  it('go through the router like any caller: who is signed in, and a reader’s write refused before anything is read', async () => {
    const me = await handleRequest(apiRequestOf(staffEvent('GET', '/api/auth/me', accessClaims('[ars-PACA]'))), untouchable);
    expect(me.status).toBe(200);
    expect(JSON.parse(me.body)).toEqual({ name: 'pharmacien@omedit-paca.fr', role: 'ars', roleLabel: 'ARS (lecture seule)', regions: ['PACA'], can: ['overview.read', 'summary.read', 'reports.read', 'inputs.read'] });
    const write = await handleRequest(apiRequestOf(staffEvent('POST', '/api/omedit/links', accessClaims('[ars-PACA]'), { finess: '130780018', campaign: '2025-S2' })), untouchable);
    expect(write.status).toBe(403);
    const admin = await handleRequest(apiRequestOf(staffEvent('GET', '/api/omedit/overview', accessClaims('[admin]'))), untouchable);
    expect(JSON.parse(admin.body).error.message).toContain('ne voit aucune donnée régionale');
    // A token's caller writes with its bearer, never a cookie: no Origin check stands in the way of a script.
    const event = staffEvent('GET', '/api/auth/me', accessClaims('[omedit-PACA]'));
    delete event.headers.Origin;
    expect((await handleRequest(apiRequestOf(event), untouchable)).status).toBe(200);
  });
});

describe('the sign-in configuration', () => {
  it('is local without a user pool, and Cognito’s hosted sign-in with one, coming back to /connexion', () => {
    expect(authConfig({ CAQES_PORTAL_URL: 'https://caqes.example' })).toEqual({ mode: 'local' });
    expect(
      authConfig({
        CAQES_PORTAL_URL: 'https://caqes.omedit-paca.fr/',
        CAQES_USER_POOL_ID: 'eu-west-3_AbCdEf123',
        CAQES_USER_POOL_CLIENT_ID: 'client1',
        CAQES_AUTH_URL: 'https://caqes-123456789012.auth.eu-west-3.amazoncognito.com',
      }),
    ).toEqual({
      mode: 'cognito',
      clientId: 'client1',
      authorizeUrl: 'https://caqes-123456789012.auth.eu-west-3.amazoncognito.com/oauth2/authorize',
      tokenUrl: 'https://caqes-123456789012.auth.eu-west-3.amazoncognito.com/oauth2/token',
      logoutUrl: 'https://caqes-123456789012.auth.eu-west-3.amazoncognito.com/logout?client_id=client1&logout_uri=https%3A%2F%2Fcaqes.omedit-paca.fr%2Fomedit',
      redirectUri: 'https://caqes.omedit-paca.fr/connexion',
    });
  });
});

describe('accounts on AWS (Cognito users, their groups)', () => {
  const cognito = mockClient(CognitoIdentityProviderClient);
  const directory = new CognitoDirectory(new CognitoIdentityProviderClient({ region: 'eu-west-3' }), 'eu-west-3_AbCdEf123');
  const created = new Date('2026-11-20T10:00:00Z');
  afterEach(() => cognito.reset());

  it('creates a user named by its e-mail, which Cognito invites, in its role’s group of each region', async () => {
    cognito.on(GetGroupCommand).resolves({});
    cognito.on(AdminCreateUserCommand).resolves({});
    cognito.on(AdminAddUserToGroupCommand).resolves({});
    cognito.on(AdminGetUserCommand).resolves({ Username: 'lecteur@ars.fr', Enabled: true, UserCreateDate: created, UserAttributes: [{ Name: 'email', Value: 'lecteur@ars.fr' }] });
    cognito.on(AdminListGroupsForUserCommand).resolves({ Groups: [{ GroupName: 'ars-CORSE' }, { GroupName: 'ars-PACA' }] });

    expect(await directory.create({ email: 'Lecteur@ARS.fr', role: 'ars', regions: ['PACA', 'CORSE'] })).toEqual({
      account: { email: 'lecteur@ars.fr', role: 'ars', regions: ['CORSE', 'PACA'], status: 'active', createdAt: created.toISOString() },
      temporaryPassword: null,
    });
    expect(cognito.commandCalls(AdminCreateUserCommand)[0]!.args[0].input).toMatchObject({
      UserPoolId: 'eu-west-3_AbCdEf123',
      Username: 'lecteur@ars.fr',
      DesiredDeliveryMediums: ['EMAIL'],
      UserAttributes: [
        { Name: 'email', Value: 'lecteur@ars.fr' },
        { Name: 'email_verified', Value: 'true' },
      ],
    });
    expect(cognito.commandCalls(AdminAddUserToGroupCommand).map((c) => c.args[0].input.GroupName)).toEqual(['ars-PACA', 'ars-CORSE']);
  });

  it('refuses an account for a region the platform does not have (no group in the pool), before creating anything', async () => {
    cognito.on(GetGroupCommand, { GroupName: 'ars-PACA' }).resolves({});
    cognito.on(GetGroupCommand, { GroupName: 'ars-ATLANTIDE' }).rejects(Object.assign(new Error('Group not found'), { name: 'ResourceNotFoundException' }));
    await expect(directory.create({ email: 'x@ars.fr', role: 'ars', regions: ['PACA', 'ATLANTIDE'] })).rejects.toMatchObject({
      status: 400,
      message: 'Requête invalide : la région « ATLANTIDE » n’existe pas sur cette plateforme (ajoutez-la au déploiement : -c regions=…).',
    });
    expect(cognito.commandCalls(AdminCreateUserCommand)).toEqual([]);
    expect(cognito.commandCalls(AdminAddUserToGroupCommand)).toEqual([]);
  });

  it('answers null for an address that has a user already, or none', async () => {
    cognito.on(AdminCreateUserCommand).rejects(Object.assign(new Error('exists'), { name: 'UsernameExistsException' }));
    expect(await directory.create({ email: 'a@ars.fr', role: 'ars', regions: ['PACA'] })).toBeNull();
    cognito.on(AdminGetUserCommand).rejects(Object.assign(new Error('no'), { name: 'UserNotFoundException' }));
    expect(await directory.disable('personne@ars.fr')).toBeNull();
    expect(await directory.resetPassword('personne@ars.fr')).toBeNull();
    expect(cognito.commandCalls(AdminDisableUserCommand)).toHaveLength(0);
  });

  it('lists users with the role and regions of their groups', async () => {
    cognito
      .on(ListUsersCommand)
      .resolvesOnce({ Users: [{ Username: 'z@omedit.fr', Enabled: true, UserCreateDate: created, Attributes: [{ Name: 'email', Value: 'z@omedit.fr' }] }], PaginationToken: 'p2' })
      .resolvesOnce({ Users: [{ Username: 'a@admin.fr', Enabled: false, UserCreateDate: created, Attributes: [] }] });
    cognito.on(AdminListGroupsForUserCommand, { Username: 'z@omedit.fr' }).resolves({ Groups: [{ GroupName: 'omedit-PACA' }] });
    cognito.on(AdminListGroupsForUserCommand, { Username: 'a@admin.fr' }).resolves({ Groups: [{ GroupName: 'admin' }] });
    expect(await directory.list()).toEqual([
      { email: 'a@admin.fr', role: 'admin', regions: [], status: 'disabled', createdAt: created.toISOString() },
      { email: 'z@omedit.fr', role: 'omedit', regions: ['PACA'], status: 'active', createdAt: created.toISOString() },
    ]);
  });

  it('disables a user and signs it out everywhere; a reset has Cognito e-mail a code', async () => {
    cognito.on(AdminGetUserCommand).resolves({ Username: 'z@omedit.fr', Enabled: true, UserCreateDate: created, UserAttributes: [] });
    cognito.on(AdminListGroupsForUserCommand).resolves({ Groups: [{ GroupName: 'omedit-PACA' }] });
    cognito.on(AdminDisableUserCommand).resolves({});
    cognito.on(AdminUserGlobalSignOutCommand).resolves({});
    cognito.on(AdminResetUserPasswordCommand).resolves({});
    expect(await directory.disable('z@omedit.fr')).toMatchObject({ before: { status: 'active' }, after: { status: 'disabled', role: 'omedit' } });
    expect(cognito.commandCalls(AdminUserGlobalSignOutCommand)[0]!.args[0].input).toEqual({ UserPoolId: 'eu-west-3_AbCdEf123', Username: 'z@omedit.fr' });
    expect(await directory.resetPassword('z@omedit.fr')).toMatchObject({ account: { email: 'z@omedit.fr' }, temporaryPassword: null });
    expect(cognito.commandCalls(AdminResetUserPasswordCommand)).toHaveLength(1);
  });
});
