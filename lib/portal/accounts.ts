/**
 * Account management, for the administrator's page and `caqes user`: local accounts in the table
 * on the embedded default, Cognito users on AWS (lib/store/cognito-directory.ts), each change
 * recorded in the platform's audit log.
 */
import type { AccountDirectory, AccountRecord, AccountStore, AccountView, NewAccount } from '../store/account-store';
import type { AuditActor } from '../store/audit-log';
import type { AuditLog } from '../store/audit-log';
import { apiErrors } from './errors';
import { generatePassword, hashPassword, passwordProblem } from './password';

function view(record: AccountRecord): AccountView {
  return { email: record.email, role: record.role, regions: [...record.regions].sort(), status: record.status, createdAt: record.createdAt };
}

/**
 * Local accounts (embedded default), over the table: passwords hashed with scrypt, a new random
 * one shown once when none is chosen.
 *
 * @example
 * const directory = localDirectory(rt.accounts, rt.now);
 */
export function localDirectory(store: AccountStore, now: () => Date): AccountDirectory {
  return {
    kind: 'local',
    async list() {
      return (await store.list()).map(view).sort((a, b) => a.email.localeCompare(b.email));
    },
    async create(account, by, password?: string) {
      const chosen = password ?? generatePassword();
      const at = now().toISOString();
      const record: AccountRecord = {
        ...account,
        regions: [...new Set(account.regions)].sort(),
        passwordHash: await hashPassword(chosen),
        status: 'active',
        createdAt: at,
        createdBy: by,
        updatedAt: at,
        updatedBy: by,
        passwordChangedAt: at,
      };
      if (!(await store.create(record))) return null;
      return { account: view(record), temporaryPassword: password === undefined ? chosen : null };
    },
    async disable(email, by) {
      const changed = await store.update(email, { status: 'disabled' }, by, now().toISOString());
      return changed && { before: view(changed.before), after: view(changed.after) };
    },
    async resetPassword(email, by) {
      const temporaryPassword = generatePassword();
      const changed = await store.update(email, { passwordHash: await hashPassword(temporaryPassword) }, by, now().toISOString());
      return changed && { account: view(changed.after), temporaryPassword };
    },
  };
}

export interface AccountDeps {
  directory: AccountDirectory;
  audit: AuditLog;
}

/**
 * Creates an account, with a chosen password (local accounts only) or a temporary one.
 * @throws ApiError 400 for a role without regions, an administrator with some, or a password too
 * short; 409 when the address has an account already.
 */
export async function createAccount(
  deps: AccountDeps,
  account: NewAccount,
  actor: AuditActor,
  password?: string,
): Promise<{ account: AccountView; temporaryPassword: string | null }> {
  if (account.role === 'admin' && account.regions.length > 0) throw apiErrors.badRequest('l’administrateur de la plateforme n’a pas de région');
  if (account.role !== 'admin' && account.regions.length === 0) throw apiErrors.badRequest('indiquez au moins une région');
  const problem = password === undefined ? null : passwordProblem(password);
  if (problem) throw apiErrors.badRequest(problem);
  const created = await deps.directory.create(account, actor.id, password);
  if (!created) throw apiErrors.accountExists(account.email);
  await deps.audit.record({
    region: null,
    actor,
    action: 'account.created',
    target: created.account.email,
    after: { role: created.account.role, regions: created.account.regions, status: created.account.status },
  });
  return created;
}

/**
 * Disables an account: its sessions stop at their next request (local), its tokens can no longer be
 * refreshed (Cognito).
 * @throws ApiError 404 for an unknown account; 409 for the caller's own account.
 */
export async function disableAccount(deps: AccountDeps, email: string, actor: AuditActor): Promise<AccountView> {
  if (actor.kind === 'account' && actor.id.toLowerCase() === email.toLowerCase()) throw apiErrors.ownAccount();
  const changed = await deps.directory.disable(email, actor.id);
  if (!changed) throw apiErrors.unknownAccount(email);
  await deps.audit.record({ region: null, actor, action: 'account.disabled', target: changed.after.email, before: { status: changed.before.status }, after: { status: changed.after.status } });
  return changed.after;
}

/**
 * Gives an account a new temporary password (shown once, locally) or has Cognito e-mail a reset code.
 * @throws ApiError 404 for an unknown account.
 */
export async function resetAccountPassword(deps: AccountDeps, email: string, actor: AuditActor): Promise<{ account: AccountView; temporaryPassword: string | null }> {
  const reset = await deps.directory.resetPassword(email, actor.id);
  if (!reset) throw apiErrors.unknownAccount(email);
  await deps.audit.record({
    region: null,
    actor,
    action: 'account.password_reset',
    target: reset.account.email,
    after: { delivery: reset.temporaryPassword === null ? 'code envoyé par e-mail' : 'mot de passe provisoire affiché une fois' },
  });
  return reset;
}
