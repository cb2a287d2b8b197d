/*
 * CAQES portal: the staff page's account management, for the platform's administrator only
 * (`accounts.read` / `accounts.write`): list, create, disable, reset. A temporary password made
 * here is shown once; on AWS, Cognito e-mails it instead.
 */
import { ROLE_LABELS } from '../permissions';
import type { AccountChange, AccountView, CreatedAccount, Me } from './api-types';

const { el, clear, api, date } = window.CAQES;

let me: Me | null = null;

function token(): string | null {
  return window.CAQES.session.token();
}

function failed(error: unknown, box: HTMLElement): void {
  if (!window.CAQES.session.expired(error)) box.appendChild(el('p', { text: (error as Error).message }));
}

/** What the server answers after a creation or a reset: the password once, or that Cognito e-mailed it. */
function showPassword(box: HTMLElement, email: string, temporaryPassword: string | null): void {
  if (temporaryPassword) {
    box.appendChild(el('p', {}, ['Mot de passe provisoire de ' + email + ' (affiché une seule fois, à transmettre de façon sûre) : ', el('span', { class: 'motdepasse', text: temporaryPassword })]));
  } else {
    box.appendChild(el('p', { text: 'Un e-mail avec un mot de passe provisoire (ou un code) a été envoyé à ' + email + '.' }));
  }
}

/** What each irreversible action on an account does, said before it is done. */
const ACTIONS = {
  disable: {
    path: '/api/admin/accounts/disable',
    verb: 'désactivé',
    title: (email: string) => 'Désactiver le compte ' + email + ' ?',
    consequence: 'Ce compte ne pourra plus se connecter et ses sessions ouvertes seront fermées aussitôt. Pour lui rendre l’accès, il faudra créer un nouveau compte.',
    confirm: 'Désactiver le compte',
  },
  reset: {
    path: '/api/admin/accounts/reset',
    verb: 'réinitialisé',
    title: (email: string) => 'Réinitialiser le mot de passe de ' + email + ' ?',
    consequence: 'Son mot de passe actuel cessera de fonctionner et ses sessions ouvertes seront fermées. Un mot de passe provisoire sera affiché une seule fois, à lui transmettre de façon sûre.',
    confirm: 'Réinitialiser le mot de passe',
  },
};

async function act(name: keyof typeof ACTIONS, email: string): Promise<void> {
  const action = ACTIONS[name];
  if (!(await window.CAQES.confirmAction({ title: action.title(email), consequence: action.consequence, confirm: action.confirm }))) return;
  const path = action.path;
  const verb = action.verb;
  const box = clear(document.getElementById('compte-resultat')!);
  try {
    const out = await api<AccountChange>(path, { token: token(), method: 'POST', body: { email: email } });
    box.appendChild(el('p', { text: 'Compte ' + email + ' ' + verb + '.' }));
    if (out.temporaryPassword !== undefined) showPassword(box, email, out.temporaryPassword);
    await list();
  } catch (error) {
    failed(error, box);
  }
}

async function list(): Promise<void> {
  const box = clear(document.getElementById('comptes-liste')!);
  try {
    const out = await api<{ accounts: AccountView[] }>('/api/admin/accounts', { token: token() });
    box.appendChild(
      el('table', {}, [
        el('caption', { text: out.accounts.length + ' compte(s)' }),
        el('thead', {}, [el('tr', {}, ['Adresse', 'Rôle', 'Régions', 'État', 'Créé le', 'Actions'].map((h) => el('th', { scope: 'col', text: h })))]),
        el(
          'tbody',
          {},
          out.accounts.map((a) =>
            el('tr', { 'data-email': a.email }, [
              el('td', { text: a.email }),
              el('td', { text: a.role ? ROLE_LABELS[a.role] : 'aucun' }),
              el('td', { text: a.regions.join(', ') }),
              el('td', { text: a.status === 'active' ? 'Actif' : 'Désactivé' }),
              el('td', { text: a.createdAt ? date(a.createdAt) : '' }),
              el('td', {}, [
                a.status === 'active' && a.email !== me!.name
                  ? el('button', { type: 'button', class: 'secondaire', text: 'Désactiver', 'aria-label': 'Désactiver ' + a.email, onclick: () => act('disable', a.email) })
                  : null,
                el('button', { type: 'button', class: 'secondaire', text: 'Réinitialiser le mot de passe', 'aria-label': 'Réinitialiser le mot de passe de ' + a.email, onclick: () => act('reset', a.email) }),
              ]),
            ]),
          ),
        ),
      ]),
    );
  } catch (error) {
    failed(error, box);
  }
}

async function create(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const box = clear(document.getElementById('compte-resultat')!);
  const email = (document.getElementById('compte-courriel') as HTMLInputElement).value.trim();
  const role = (document.getElementById('compte-role') as HTMLSelectElement).value;
  const regions = (document.getElementById('compte-regions') as HTMLInputElement).value
    .split(',')
    .map((r) => r.trim().toUpperCase())
    .filter((r) => r.length > 0);
  try {
    const out = await api<CreatedAccount>('/api/admin/accounts', { token: token(), method: 'POST', body: { email: email, role: role, regions: regions } });
    box.appendChild(el('p', { text: 'Compte créé : ' + out.account.email + ' – ' + (out.account.role ? ROLE_LABELS[out.account.role] : 'aucun rôle') + '.' }));
    showPassword(box, out.account.email, out.temporaryPassword);
    (document.getElementById('compte-courriel') as HTMLInputElement).value = '';
    await list();
  } catch (error) {
    failed(error, box);
  }
}

(document.getElementById('compte-form') as HTMLFormElement).addEventListener('submit', create);
document.addEventListener('caqes:signed-in', (event) => {
  me = event.detail;
  const canManage = me.can.indexOf('accounts.read') >= 0;
  document.getElementById('comptes')!.hidden = !canManage;
  document.getElementById('compte-form')!.hidden = me.can.indexOf('accounts.write') < 0;
  if (canManage) list();
});
