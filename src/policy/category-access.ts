/**
 * Which permissions of the role table (`permissions.ts`) reach each record category of the data
 * inventory (`inventory.ts`), so that "who can access it" (CB-I (c)) is derived from the same table that
 * `authorize` enforces instead of being typed again by hand. A permission is listed under a category when
 * a use case it guards reads, writes or releases that category's records.
 */
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
  'access-log': ['access-log.read', 'access-log.verify'],
  // Aggregate counts with no patron in them, added by the retention engine as loans are anonymised.
  'circulation-statistics': ['retention.run'],
};

export interface RoleAccess {
  role: Role;
  name: string;
  /** The permissions of this role that reach the category. */
  permissions: Permission[];
}

/** The staff roles that may reach a category, and through which permissions (least trusted first). */
export function rolesFor(category: RecordCategory): RoleAccess[] {
  const wanted = CATEGORY_PERMISSIONS[category];
  return ROLES.flatMap((role) => {
    const permissions = wanted.filter((p) => ROLE_PERMISSIONS[role].includes(p));
    return permissions.length > 0 ? [{ role, name: ROLE_NAMES[role], permissions }] : [];
  });
}
