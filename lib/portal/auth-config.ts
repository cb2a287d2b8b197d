/**
 * How staff sign in, as the pages learn it (`GET /api/auth/config`): with a local account on the
 * embedded default, or through Cognito's hosted sign-in on AWS (authorization code with PKCE; the
 * page exchanges the code for tokens and sends the access token as a bearer).
 */
import type { RuntimeConfig } from '../store/config';

export type AuthConfig =
  | { mode: 'local' }
  | {
      mode: 'cognito';
      clientId: string;
      authorizeUrl: string;
      tokenUrl: string;
      logoutUrl: string;
      /** Where Cognito sends the browser back with its code: `<portal>/connexion`. */
      redirectUri: string;
    };

/**
 * The sign-in of this deployment: Cognito when its user pool, client and hosted sign-in address
 * are configured (the stack sets all three), else local accounts.
 *
 * @example
 * authConfig({ CAQES_PORTAL_URL: 'https://caqes.example' }) // { mode: 'local' }
 */
export function authConfig(config: Pick<RuntimeConfig, 'CAQES_PORTAL_URL' | 'CAQES_USER_POOL_ID' | 'CAQES_USER_POOL_CLIENT_ID' | 'CAQES_AUTH_URL'>): AuthConfig {
  const { CAQES_USER_POOL_ID: pool, CAQES_USER_POOL_CLIENT_ID: clientId, CAQES_AUTH_URL: authUrl } = config;
  if (!pool || !clientId || !authUrl) return { mode: 'local' };
  const base = authUrl.replace(/\/+$/, '');
  const portal = config.CAQES_PORTAL_URL.replace(/\/+$/, '');
  return {
    mode: 'cognito',
    clientId,
    authorizeUrl: `${base}/oauth2/authorize`,
    tokenUrl: `${base}/oauth2/token`,
    logoutUrl: `${base}/logout?client_id=${encodeURIComponent(clientId)}&logout_uri=${encodeURIComponent(`${portal}/omedit`)}`,
    redirectUri: `${portal}/connexion`,
  };
}
