/**
 * `caqes user`: local accounts of the running `caqes serve` (embedded default), written straight
 * to its table as an operator would, each change in the platform's audit log. On AWS, accounts are
 * Cognito users, managed from the administrator's page.
 */
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { createAccount, disableAccount, localDirectory, resetAccountPassword, type AccountDeps } from '../portal/accounts';
import { auditLog } from '../store/audit-log';
import { ApiError } from '../portal/errors';
import { ROLE_LABELS } from '../portal/permissions';
import { createRuntime } from '../runtime';
import { NewAccount, StaffRole, type AccountView } from '../store/account-store';
import type { AuditActor } from '../store/audit-log';
import { readServeState, serveStatePath } from './serve';
import { withStateRuntime } from './state-portal';
import { UsageError } from './usage';

/** Runs `work` over the accounts of a state folder, or of the running portal, then closes its connection. */
async function withAccounts<T>(stateDir: string | undefined, work: (deps: AccountDeps) => Promise<T>): Promise<T> {
  if (stateDir) return withStateRuntime(stateDir, 'user', (rt) => work({ directory: localDirectory(rt.accounts, rt.now), audit: auditLog(rt.audit, rt.now) }));
  const state = await readServeState(' (sur AWS, les comptes se gèrent depuis la page de l’administrateur du portail)');
  const rt = createRuntime({ CAQES_TABLE: state.table, CAQES_BUCKET: state.bucket, CAQES_DYNAMODB_ENDPOINT: state.dynamodb, AWS_REGION: process.env.AWS_REGION });
  try {
    return await work({ directory: localDirectory(rt.accounts, rt.now), audit: auditLog(rt.audit, rt.now) });
  } catch (error) {
    // The file outlived its `caqes serve` (killed, or the machine restarted): nothing listens there.
    if (refusedConnection(error)) {
      throw new UsageError(`le portail local décrit par ${serveStatePath()} ne répond plus (« caqes serve » s’est arrêté sans effacer ce fichier) : relancez « caqes serve »`);
    }
    throw error;
  } finally {
    rt.clients.dynamo.destroy();
  }
}

function refusedConnection(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, errors } = e as { code?: unknown; errors?: unknown };
    if (code === 'ECONNREFUSED') return true;
    if (Array.isArray(errors) && errors.some((inner) => (inner as { code?: unknown }).code === 'ECONNREFUSED')) return true;
  }
  return false;
}

/** Who acts, in the audit log: the command and the system user that ran it. */
function operator(): AuditActor {
  return { kind: 'machine', id: `caqes user (${userInfo().username})` };
}

function describe(account: AccountView): string {
  const regions = account.regions.length > 0 ? ` – ${account.regions.join(', ')}` : '';
  return `${account.email} : ${account.role ? ROLE_LABELS[account.role] : 'sans rôle'}${regions}${account.status === 'disabled' ? ' (désactivé)' : ''}`;
}

/** A password chosen in a file: its first line, never shown. */
async function passwordFrom(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UsageError(`--password-file : impossible de lire ${file}`);
  }
  return text.split(/\r?\n/)[0] ?? '';
}

/** A refusal of the account rules (address taken, role without region…) as a usage error, in French. */
async function refusedAsUsage<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ApiError) throw new UsageError(error.message.replace(/^Requête invalide : /, '').replace(/\.$/, ''));
    throw error;
  }
}

/**
 * `caqes user add|list|disable|reset`. Prints in French (or JSON with `--json` for `list`); a
 * password is printed only when this command made it, once, and never logged.
 * Exit codes: 0 done, 2 bad usage (including an address already taken or unknown).
 */
export async function userCommand(args: string[], out: (text: string) => void = (t) => process.stdout.write(t)): Promise<number> {
  const [action, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: {
      role: { type: 'string' },
      region: { type: 'string', multiple: true },
      email: { type: 'string' },
      'password-file': { type: 'string' },
      state: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  switch (action) {
    case 'add': {
      const role = StaffRole.safeParse(values.role);
      if (!role.success) throw new UsageError(`--role attend ${StaffRole.options.join(', ')}`);
      const regions = (values.region ?? []).flatMap((r) => r.split(',')).map((r) => r.trim().toUpperCase()).filter(Boolean);
      const account = NewAccount.safeParse({ email: values.email, role: role.data, regions });
      if (!account.success) throw new UsageError(values.email ? '--email attend une adresse e-mail, --region un code de région (PACA, CORSE…)' : '--email est obligatoire');
      const password = values['password-file'] ? await passwordFrom(values['password-file']) : undefined;
      const created = await withAccounts(values.state, (deps) => refusedAsUsage(() => createAccount(deps, account.data, operator(), password)));
      out(`Compte créé : ${describe(created.account)}\n`);
      if (created.temporaryPassword) out(`Mot de passe (affiché une seule fois) : ${created.temporaryPassword}\n`);
      return 0;
    }
    case 'list': {
      const accounts = await withAccounts(values.state, (deps) => deps.directory.list());
      if (values.json) out(JSON.stringify(accounts, null, 2) + '\n');
      else out(accounts.length === 0 ? 'Aucun compte.\n' : accounts.map((a) => `${describe(a)}\n`).join(''));
      return 0;
    }
    case 'disable':
    case 'reset': {
      if (!values.email) throw new UsageError('--email est obligatoire');
      const email = values.email;
      if (action === 'disable') {
        const account = await withAccounts(values.state, (deps) => refusedAsUsage(() => disableAccount(deps, email, operator())));
        out(`Compte désactivé : ${describe(account)}\n`);
      } else {
        const reset = await withAccounts(values.state, (deps) => refusedAsUsage(() => resetAccountPassword(deps, email, operator())));
        out(`Mot de passe réinitialisé pour ${reset.account.email}.\nNouveau mot de passe (affiché une seule fois) : ${reset.temporaryPassword}\n`);
      }
      return 0;
    }
    default:
      throw new UsageError('user attend add, list, disable ou reset');
  }
}
