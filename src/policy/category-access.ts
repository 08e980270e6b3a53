/**
 * Which permissions of the role table (`permissions.ts`) reach each record category of the data
 * inventory (`inventory.ts`), so that "who can access it" is derived from the same table that
 * `authorize` enforces instead of being typed again by hand. Two questions, one place: every permission
 * whose use case reads, writes or releases a category's records (`CATEGORY_PERMISSIONS`: the audit
 * report, CB-I (c)), and those through which staff see its contents (`CATEGORY_VIEW_PERMISSIONS`: the
 * published policy, what a patron wants to know).
 */
import type { RoleAccess } from '../domain/audit-report-document.js';
import { ROLE_NAMES, ROLES, type Role } from './actors.js';
import type { RecordCategory } from './inventory.js';
import { ROLE_PERMISSIONS, type Permission } from './permissions.js';

/** Looking a patron up, reading or exporting the whole record, and releasing it under a legal request. */
const WHOLE_RECORD: readonly Permission[] = ['patron.read', 'patron.export', 'disclosure.release'];

const SERVICE_RECORD: readonly Permission[] = ['services.record', 'services.review', ...WHOLE_RECORD];

export const CATEGORY_PERMISSIONS: Record<RecordCategory, readonly Permission[]> = {
  registration: [
    'patron.register',
    'patron.lookup',
    'patron.identify',
    'patron.update',
    'patron.status',
    'patron.reissue-card',
    'patron.search',
    'patron.delete',
    ...WHOLE_RECORD,
  ],
  guardianship: ['patron.register', 'patron.delete', ...WHOLE_RECORD],
  circulation: ['circulation.checkout', 'circulation.checkin', 'circulation.renew', 'circulation.lost', 'patron.lookup', ...WHOLE_RECORD],
  'reading-history': ['patron.reading-history', ...WHOLE_RECORD],
  // The hold shelf shows the hold (item, shelf code, deadline), never the patron.
  holds: ['holds.place', 'holds.cancel', 'holds.shelf', 'patron.lookup', ...WHOLE_RECORD],
  fines: ['fines.pay', 'fines.waive', 'circulation.checkin', 'circulation.lost', 'patron.lookup', ...WHOLE_RECORD],
  'computer-sessions': SERVICE_RECORD,
  'program-signups': SERVICE_RECORD,
  'room-bookings': SERVICE_RECORD,
  'ill-requests': SERVICE_RECORD,
  'reference-requests': SERVICE_RECORD,
  complaints: ['complaints.record', 'complaints.answer'],
  notices: ['notices.read', 'notices.send', 'breach.manage', ...WHOLE_RECORD],
  // Written by the vendor's sign-in (the patron's own act), revoked by the patron; read in the whole record.
  'vendor-authorisations': WHOLE_RECORD,
  'access-log': ['access-log.read', 'access-log.verify'],
  // Aggregate counts with no patron in them: written by the use case that counts (a check-out, a
  // registration, the retention run or a deletion for a service that has ended), read as statistics.
  'circulation-statistics': ['circulation.checkout', 'statistics.read'],
  'registration-statistics': ['patron.register', 'statistics.read'],
  'service-statistics': ['retention.run', 'patron.delete', 'statistics.read'],
  // Written by a vendor's sign-in (no staff permission writes it: the patron signed in), read as statistics (CB-D).
  'vendor-statistics': ['statistics.read'],
};

/** The staff roles that may reach a category, and through which permissions (least trusted first). */
export function rolesFor(category: RecordCategory): RoleAccess[] {
  const wanted = CATEGORY_PERMISSIONS[category];
  return ROLES.flatMap((role) => {
    const permissions = wanted.filter((p) => ROLE_PERMISSIONS[role].includes(p));
    return permissions.length > 0 ? [{ role, name: ROLE_NAMES[role], permissions }] : [];
  });
}

/**
 * The permissions through which staff see the contents of each category (policy/permissions.ts holds
 * which role has which): what a patron wants to know is who can read their records. A role holding none
 * of a category's permissions never sees it; the system administrator holds none that show a patron's
 * record. (CATEGORY_PERMISSIONS above, for the audit report, lists every permission that *reaches* a
 * category, writes and verification included: a wider question.)
 */
export const CATEGORY_VIEW_PERMISSIONS: Record<RecordCategory, readonly Permission[]> = {
  registration: ['patron.lookup', 'patron.read', 'patron.search', 'patron.export'],
  guardianship: ['patron.lookup', 'patron.read', 'patron.export'],
  circulation: ['patron.lookup', 'circulation.checkin', 'patron.read', 'patron.export'],
  'reading-history': ['patron.lookup', 'patron.read', 'patron.export'],
  holds: ['holds.place', 'holds.cancel', 'patron.read', 'patron.export'],
  fines: ['fines.pay', 'fines.waive', 'patron.read', 'patron.export'],
  // Read back only when a violation is suspected (JC-VII), never in a staff export.
  'computer-sessions': ['services.review'],
  'program-signups': ['services.record', 'patron.read', 'patron.export'],
  'room-bookings': ['services.record', 'patron.read', 'patron.export'],
  'ill-requests': ['services.record', 'patron.read', 'patron.export'],
  'reference-requests': ['services.record', 'patron.read', 'patron.export'],
  complaints: ['complaints.record', 'complaints.answer'],
  // Kind, channel and status only (what a notice said is never shown to staff).
  notices: ['notices.read', 'patron.read', 'patron.export'],
  // Which vendors a patron signed in to, and what they consented to (issue 19): never what they used there.
  'vendor-authorisations': ['patron.read', 'patron.export'],
  'access-log': ['access-log.read'],
  // No personal data: counts only.
  'circulation-statistics': [],
  'registration-statistics': [],
  'service-statistics': [],
  'vendor-statistics': [],
};

/** The roles whose permissions reach a category, least trusted first, in words. */
export function rolesSeeing(category: RecordCategory): string[] {
  const permissions = CATEGORY_VIEW_PERMISSIONS[category];
  return ROLES.filter((role: Role) => ROLE_PERMISSIONS[role].some((p) => permissions.includes(p))).map((role) => ROLE_NAMES[role]);
}
