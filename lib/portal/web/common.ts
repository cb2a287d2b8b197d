/*
 * CAQES portal: what every page shares, served as common.js and loaded first. Everything shown is
 * built with DOM nodes and textContent, never from HTML strings, so a file name or a cell value can
 * never become markup. The other scripts reach these through `window.CAQES` (never by importing this
 * module's values: a second copy would be a second ApiError class, and `instanceof` would fail).
 */
import type { ErrorCode } from './api-types';
import type { Caqes } from './caqes';

type Listener = (event: Event) => unknown;
type AttrValue = string | number | boolean | null | undefined | Listener;
type Child = Node | string | null | undefined | false;

/** An element with attributes, listeners (`onclick`…) and children (nodes or text). */
function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Record<string, AttrValue>, children?: readonly Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  Object.keys(attrs || {}).forEach((name) => {
    const value = attrs![name];
    if (value === null || value === undefined || value === false) return;
    if (name === 'text') node.textContent = String(value);
    else if (name === 'class') node.className = String(value);
    else if (typeof value === 'function') node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  });
  (children || []).forEach((child) => {
    if (child === null || child === undefined || child === false) return;
    node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  });
  return node;
}

function clear<T extends Node>(node: T): T {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface ApiOptions {
  token?: string | null;
  method?: 'GET' | 'POST';
  body?: unknown;
}

/**
 * Calls the portal's API; refusals become ApiError with the French message. With a token (a
 * personal link, or a Cognito access token on AWS) it is sent as a bearer and no cookie goes;
 * without, the browser sends the session cookie of a local account (same origin only). The caller
 * names the answer's type (api-types.ts): the server's own.
 */
async function api<T>(path: string, options?: ApiOptions): Promise<T> {
  const opts = options || {};
  const headers: Record<string, string> = {};
  if (opts.token) headers.Authorization = 'Bearer ' + opts.token;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method: opts.method || 'GET',
      headers: headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      cache: 'no-store',
      credentials: opts.token ? 'omit' : 'same-origin',
    });
  } catch {
    throw new ApiError(0, 'network', 'Le serveur ne répond pas. Vérifiez votre connexion, puis réessayez.');
  }
  let data: unknown = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const refusal = data as { error?: { code: ErrorCode; message: string } } | null;
    const error = refusal && refusal.error ? refusal.error : { code: 'unexpected' as const, message: 'Réponse inattendue du serveur (' + response.status + ').' };
    throw new ApiError(response.status, error.code, error.message);
  }
  return data as T;
}

const dateFormat = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', day: '2-digit', month: '2-digit', year: 'numeric' });
const dateTimeFormat = new Intl.DateTimeFormat('fr-FR', {
  timeZone: 'Europe/Paris',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

function date(iso: string): string {
  return dateFormat.format(new Date(iso));
}

function dateTime(iso: string): string {
  return dateTimeFormat.format(new Date(iso));
}

function size(bytes: number): string {
  if (bytes < 1024) return bytes + ' octets';
  if (bytes < 1024 * 1024) return (bytes / 1024).toLocaleString('fr-FR', { maximumFractionDigits: 0 }) + ' Ko';
  return (bytes / 1024 / 1024).toLocaleString('fr-FR', { maximumFractionDigits: 1 }) + ' Mo';
}

/** Shows a message in the page's alert box (role="alert"), or hides it. */
function alertBox(message?: string | null): void {
  const box = document.getElementById('alerte')!;
  box.textContent = message || '';
  box.hidden = !message;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface Confirmation {
  title: string;
  consequence: string;
  confirm: string;
}

/**
 * Asks before an action that cannot be undone, naming what it does: a modal dialog with the
 * consequence, "Annuler" (focused, and Escape) and the action's own verb. Resolves true only when
 * the action's button is pressed.
 */
function confirmAction(options: Confirmation): Promise<boolean> {
  return new Promise((resolve) => {
    const cancel = el('button', { type: 'button', class: 'secondaire', text: 'Annuler' });
    const go = el('button', { type: 'button', class: 'danger', text: options.confirm });
    const dialog = el('dialog', { class: 'confirmation', 'aria-labelledby': 'confirmation-titre', 'aria-describedby': 'confirmation-consequence' }, [
      el('h2', { id: 'confirmation-titre', text: options.title }),
      el('p', { id: 'confirmation-consequence', text: options.consequence }),
      el('div', { class: 'boutons' }, [cancel, go]),
    ]);
    const close = (answer: boolean) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    cancel.addEventListener('click', () => close(false));
    go.addEventListener('click', () => close(true));
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      close(false);
    });
    document.body.appendChild(dialog);
    dialog.showModal();
    cancel.focus();
  });
}

/**
 * Warns before leaving the page while `unsaved()` says typed text would be lost (the browser shows
 * its own words: pages may not choose them).
 */
function warnBeforeLeaving(unsaved: () => boolean): void {
  window.addEventListener('beforeunload', (event) => {
    if (!unsaved()) return;
    event.preventDefault();
    event.returnValue = '';
  });
}

const S3_MESSAGES: Readonly<Record<string, string>> = {
  EntityTooLarge: 'le fichier dépasse la taille autorisée',
  EntityTooSmall: 'le fichier est vide',
  AccessDenied: 'l’autorisation d’envoi a expiré ou ne correspond pas au fichier ; recommencez',
};

/** Posts the file to S3 with the signed form, reporting progress; resolves when S3 has it. */
function postToStorage(form: { url: string; fields: Record<string, string> }, file: File, onProgress: (share: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const data = new FormData();
    Object.keys(form.fields).forEach((name) => data.append(name, form.fields[name]!));
    data.append('file', file);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', form.url);
    xhr.upload.addEventListener('progress', (e) => e.lengthComputable && onProgress(e.loaded / e.total));
    xhr.addEventListener('load', () => {
      if (xhr.status >= 200 && xhr.status < 300) return resolve();
      const code = /<Code>([A-Za-z]+)<\/Code>/.exec(xhr.responseText || '');
      reject(new Error('L’envoi a été refusé : ' + ((code && S3_MESSAGES[code[1]!]) || 'erreur ' + xhr.status) + '.'));
    });
    xhr.addEventListener('error', () => reject(new Error('L’envoi a échoué : la connexion a été interrompue. Réessayez.')));
    xhr.send(data);
  });
}

const common = {
  el: el,
  clear: clear,
  api: api,
  ApiError: ApiError,
  date: date,
  dateTime: dateTime,
  size: size,
  alertBox: alertBox,
  sleep: sleep,
  confirmAction: confirmAction,
  warnBeforeLeaving: warnBeforeLeaving,
  postToStorage: postToStorage,
};
export type Common = typeof common;

// session.js and rapport.js add `session` and `report` before any page script runs (the pages load
// the scripts in this order, deferred), so the pages read them as always there.
window.CAQES = common as Caqes;
