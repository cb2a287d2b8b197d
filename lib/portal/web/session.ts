/*
 * CAQES portal: signing staff in and out, for the staff page. Two ways, as the server says
 * (`/api/auth/config`):
 * - local accounts (embedded default): the form posts the address and password once; the server
 *   answers with an HttpOnly session cookie the page never sees;
 * - Cognito (AWS): the browser goes to the hosted sign-in page (password and one-time code) and
 *   comes back to /connexion with a code, exchanged here for tokens with PKCE; the access token
 *   stays in this tab's sessionStorage and is sent as a bearer.
 * Once signed in, `caqes:signed-in` is dispatched with who the caller is and what it may do; the
 * other scripts show only that (the server refuses the rest anyway).
 */
import type { AuthConfig, Me } from './api-types';

const { api, ApiError, alertBox } = window.CAQES;

const TOKEN_KEY = 'caqes-acces';
const PKCE_KEY = 'caqes-pkce';
let config: AuthConfig = { mode: 'local' };

/** What the other scripts call with each API request, and when the server says the session ended. */
export interface Session {
  token(): string | null;
  expired(error: unknown): boolean;
}

function base64url(bytes: ArrayBuffer | Uint8Array): string {
  let text = '';
  new Uint8Array(bytes).forEach((b) => (text += String.fromCharCode(b)));
  return window.btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString(): string {
  return base64url(window.crypto.getRandomValues(new Uint8Array(32)));
}

/** The Cognito access token while it is valid, else null (local accounts: always null). */
function token(): string | null {
  if (config.mode !== 'cognito') return null;
  const saved = JSON.parse(window.sessionStorage.getItem(TOKEN_KEY) || 'null') as { accessToken: string; expiresAt: number } | null;
  if (!saved || saved.expiresAt <= Date.now()) return null;
  return saved.accessToken;
}

async function cognitoSignIn(): Promise<void> {
  if (config.mode !== 'cognito') return;
  const verifier = randomString();
  const state = randomString();
  const challenge = base64url(await window.crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  window.sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier: verifier, state: state }));
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    scope: 'openid email',
    code_challenge_method: 'S256',
    code_challenge: challenge,
    state: state,
  });
  window.location.assign(config.authorizeUrl + '?' + query.toString());
}

/** Back from the hosted sign-in page with `?code=…&state=…`: the code becomes tokens. */
async function cognitoReturn(cognito: Extract<AuthConfig, { mode: 'cognito' }>): Promise<void> {
  const params = new URLSearchParams(window.location.search);
  const pkce = JSON.parse(window.sessionStorage.getItem(PKCE_KEY) || 'null') as { verifier: string; state: string } | null;
  window.sessionStorage.removeItem(PKCE_KEY);
  // The code leaves the address bar, the history and any bookmark.
  window.history.replaceState(null, '', '/omedit');
  const code = params.get('code');
  if (!code || !pkce || params.get('state') !== pkce.state) throw new Error('La connexion n’a pas abouti : recommencez.');
  const response = await fetch(cognito.tokenUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: cognito.clientId,
      code: code,
      redirect_uri: cognito.redirectUri,
      code_verifier: pkce.verifier,
    }).toString(),
    credentials: 'omit',
  });
  if (!response.ok) throw new Error('La connexion n’a pas abouti : recommencez.');
  const tokens = (await response.json()) as { access_token: string; expires_in: number };
  window.sessionStorage.setItem(TOKEN_KEY, JSON.stringify({ accessToken: tokens.access_token, expiresAt: Date.now() + (tokens.expires_in - 30) * 1000 }));
}

function hideAll(): void {
  document.querySelectorAll<HTMLElement>('main > section').forEach((s) => (s.hidden = true));
  document.getElementById('deconnexion')!.hidden = true;
  document.getElementById('identite')!.textContent = '';
}

/** Shows the sign-in, with why (a session that ended, a refusal), in the alert box. */
function showLogin(message?: string): void {
  hideAll();
  document.getElementById('chargement')!.hidden = true;
  document.getElementById('connexion')!.hidden = false;
  document.getElementById('connexion-form')!.hidden = config.mode !== 'local';
  document.getElementById('connexion-cognito')!.hidden = config.mode !== 'cognito';
  alertBox(message || '');
  if (config.mode === 'local') document.getElementById('courriel')!.focus();
}

function signedIn(me: Me): void {
  document.getElementById('chargement')!.hidden = true;
  document.getElementById('connexion')!.hidden = true;
  const regions = me.regions === 'all' ? 'toutes les régions' : me.regions.join(', ');
  document.getElementById('identite')!.textContent = 'Connecté : ' + me.name + ' – ' + me.roleLabel + (me.regions.length === 0 ? '' : ' (' + regions + ')');
  document.getElementById('deconnexion')!.hidden = false;
  alertBox('');
  document.dispatchEvent(new CustomEvent('caqes:signed-in', { detail: me }));
}

async function whoAmI(): Promise<void> {
  try {
    signedIn(await api<Me>('/api/auth/me', { token: token() }));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) showLogin(error.code === 'session-expired' ? error.message : '');
    else showLogin((error as Error).message);
  }
}

async function localSignIn(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const email = document.getElementById('courriel') as HTMLInputElement;
  const password = document.getElementById('mot-de-passe') as HTMLInputElement;
  try {
    const me = await api<Me>('/api/auth/login', { method: 'POST', body: { email: email.value.trim(), password: password.value } });
    password.value = '';
    signedIn(me);
  } catch (error) {
    password.value = '';
    alertBox((error as Error).message);
    password.focus();
  }
}

async function signOut(): Promise<void> {
  if (config.mode === 'cognito') {
    window.sessionStorage.removeItem(TOKEN_KEY);
    window.location.assign(config.logoutUrl);
    return;
  }
  try {
    await api('/api/auth/logout', { method: 'POST', body: {} });
  } finally {
    showLogin('Vous êtes déconnecté.');
  }
}

window.CAQES.session = {
  token: token,
  expired: function (error) {
    if (error instanceof ApiError && error.status === 401) {
      if (config.mode === 'cognito') window.sessionStorage.removeItem(TOKEN_KEY);
      showLogin(error.message);
      return true;
    }
    return false;
  },
};

async function start(): Promise<void> {
  (document.getElementById('connexion-form') as HTMLFormElement).addEventListener('submit', localSignIn);
  document.getElementById('connexion-cognito-bouton')!.addEventListener('click', cognitoSignIn);
  document.getElementById('deconnexion')!.addEventListener('click', signOut);
  try {
    config = await api<AuthConfig>('/api/auth/config');
    if (config.mode === 'cognito' && window.location.pathname === '/connexion') await cognitoReturn(config);
  } catch (error) {
    showLogin((error as Error).message);
    return;
  }
  if (config.mode === 'cognito' && !token()) showLogin('');
  else whoAmI();
}

start();
