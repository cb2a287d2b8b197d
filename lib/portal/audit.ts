/** Who wrote, as the portal's callers appear in the audit log (lib/store/audit-log.ts). */
import type { AuditActor } from '../store/audit-log';
import type { Caller } from './caller';

/** Who a caller is, in the log: an account by its e-mail, a link by its id, the machine credential by its name. */
export function actorOf(caller: Caller): AuditActor {
  if (caller.kind === 'establishment') return { kind: 'link', id: caller.linkId };
  return { kind: caller.via === 'machine' ? 'machine' : 'account', id: caller.name };
}
