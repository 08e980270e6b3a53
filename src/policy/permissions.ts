import type { Actor, LookupPurpose, Role } from './actors.js';
import { LOOKUP_PURPOSES, ROLES } from './actors.js';
import { PERMISSIONS, SYSTEM_ROLES, type Permission } from '../domain/roles.js';
import { KIND_PERMISSIONS } from './sip2-disclosure.policy.js';

export { PERMISSIONS, type Permission } from '../domain/roles.js';

/**
 * What each staff role may do, as data, checked in one place (`authorize`). Staff use patron data only
 * in the performance of their duties (CB-A3, RF-1, RF-10, IF-8): each role gets the permissions its
 * duties need and no more. A volunteer shelves holds and sees only what a hold shelf needs; the system
 * administrator runs the system and sees no patron's record.
 */
const VOLUNTEER: readonly Permission[] = ['holds.shelf', 'profiles.read'];
const CLERK: readonly Permission[] = [
  ...VOLUNTEER,
  'patron.lookup',
  'patron.identify',
  'patron.register',
  'patron.update',
  'patron.status',
  'patron.reissue-card',
  'patron.reading-history',
  'circulation.checkout',
  'circulation.checkin',
  'circulation.renew',
  'circulation.lost',
  'holds.place',
  'holds.cancel',
  'library.read',
  'patron.renew-card',
  'patron.reset-pin',
  'circulation.lists',
  'fines.pay',
  'services.record',
  'items.read',
  'disclosure.receive',
  'complaints.record',
  'notices.read',
  'notices.send',
];
// Statistics carry no personal data. A table's totals are the same in every table and its hidden counts
// cannot be bounded below the threshold from it; tables of overlapping periods can still be differenced
// (policy/statistics.policy.ts, Limits), so they are for librarians and up, not every desk.
const LIBRARIAN: readonly Permission[] = [...CLERK, 'patron.read', 'patron.search', 'patron.export', 'items.manage', 'statistics.read'];
const BRANCH_MANAGER: readonly Permission[] = [...LIBRARIAN, 'fines.waive', 'circulation.override', 'patron.delete', 'records.manage'];
const DIRECTOR: readonly Permission[] = [
  ...BRANCH_MANAGER,
  'access-log.read',
  'access-log.verify',
  'services.review',
  'retention.run',
  'disclosure.read',
  'disclosure.decide',
  'disclosure.release',
  'legal-hold.manage',
  'complaints.answer',
  'transparency.read',
  'audit.read', // the privacy audit report (CB-I)
  'notices.manage',
  'breach.manage', // RR-6: the director records a breach and the patrons are told
];
const ADMIN: readonly Permission[] = [
  'profiles.read',
  'statistics.read', // aggregate statistics, no patron data
  'items.read',
  'items.manage',
  'records.manage',
  'access-log.verify',
  'retention.run',
  'transparency.read',
  'audit.read', // the privacy audit report (CB-I): counts and rules, no patron's record
  'library.administer',
  'library.read',
  'staff.manage',
  'jobs.manage',
  'notices.manage', // templates and settings: no patron in them
];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  volunteer: VOLUNTEER,
  circulation: CLERK,
  librarian: LIBRARIAN,
  'branch-manager': BRANCH_MANAGER,
  director: DIRECTOR,
  admin: ADMIN,
};

/**
 * The purposes each role may name when it reads a patron's record outside a circulation transaction.
 * A clerk serves the account of the patron in front of them; recovering materials and collecting fines
 * are a librarian's; reviewing a computer log (JC-VII) and answering a legal instrument (IF-8, JC-IVd-le)
 * are the director's.
 */
export const ROLE_PURPOSES: Record<Role, readonly LookupPurpose[]> = {
  volunteer: [],
  circulation: ['account-service'],
  librarian: ['account-service', 'materials-recovery', 'fines-collection'],
  'branch-manager': ['account-service', 'materials-recovery', 'fines-collection'],
  director: ['account-service', 'materials-recovery', 'fines-collection', 'violation-review', 'legal-disclosure'],
  admin: [],
};

export type Decision = { allowed: true; role: string } | { allowed: false; reason: 'not-staff' | 'no-role-grants-it' | 'purpose-not-allowed' };

/**
 * The roles that count for an actor. An account without a library holds only the roles about running
 * the system (`SYSTEM_ROLES`): any other role it was given serves no library's patrons until an
 * administrator places the account in a library.
 */
function rolesOf(actor: Actor): Role[] {
  if (actor.kind !== 'staff') return [];
  const known = actor.roles.filter((r): r is Role => (ROLES as readonly string[]).includes(r));
  return actor.libraryId === null ? known.filter((r) => SYSTEM_ROLES.includes(r)) : known;
}

/**
 * Whether an actor may do something, and the role that grants it (the access log names that role). The
 * system (the operator's command line, scheduled jobs) may do everything; a patron does nothing here
 * (their own record is reached through the self-service use cases).
 */
export function authorize(actor: Actor, permission: Permission, purpose?: LookupPurpose): Decision {
  if (actor.kind === 'system') return { allowed: true, role: 'system' };
  // A SIP2 machine acts in its kind ('self-check', 'sorter', 'authentication'), never with a look-up purpose.
  if (actor.kind === 'sip2')
    return KIND_PERMISSIONS[actor.accountKind].includes(permission) && purpose === undefined ? { allowed: true, role: actor.accountKind } : { allowed: false, reason: 'not-staff' };
  if (actor.kind !== 'staff') return { allowed: false, reason: 'not-staff' };
  const granting = rolesOf(actor).filter((role) => ROLE_PERMISSIONS[role].includes(permission));
  if (granting.length === 0) return { allowed: false, reason: 'no-role-grants-it' };
  if (purpose === undefined) return { allowed: true, role: granting[0] as string };
  const withPurpose = granting.find((role) => ROLE_PURPOSES[role].includes(purpose));
  return withPurpose ? { allowed: true, role: withPurpose } : { allowed: false, reason: 'purpose-not-allowed' };
}

/** The permissions an actor holds, for the session answer (what the web app shows). */
export function permissionsOf(actor: Actor): Permission[] {
  if (actor.kind === 'system') return [...PERMISSIONS];
  return PERMISSIONS.filter((p) => rolesOf(actor).some((role) => ROLE_PERMISSIONS[role].includes(p)));
}

/**
 * The look-up purposes an actor may name, in the fixed order of LOOKUP_PURPOSES: any of their roles
 * allows it (ROLE_PURPOSES). For the session answer, so the web app offers only what would be allowed.
 */
export function purposesOf(actor: Actor): LookupPurpose[] {
  if (actor.kind === 'system') return [...LOOKUP_PURPOSES];
  return LOOKUP_PURPOSES.filter((p) => rolesOf(actor).some((role) => ROLE_PURPOSES[role].includes(p)));
}
