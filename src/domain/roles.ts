/**
 * The names of staff roles and of the permissions they may hold. Plain names, no rules: which role holds
 * which permission, and what each permission allows, is the policy's (policy/permissions.ts, `authorize`).
 */

/**
 * Staff roles, from least to most trusted with patron data. `circulation` is the circulation clerk and
 * `admin` the system administrator (the names the first releases used; they stay).
 */
export const ROLES = ['volunteer', 'circulation', 'librarian', 'branch-manager', 'director', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * The roles about running the system, not about patrons: the only roles an account without a library
 * holds (policy/permissions.ts). Every other role serves a library's patrons, so an account holds it
 * only in a library (or a list of libraries that share their patrons).
 */
export const SYSTEM_ROLES: readonly Role[] = ['admin'];

/**
 * What a member of staff may do, one name per duty. Staff use patron data only in the performance of
 * their duties (CB-A3, RF-1, RF-10, IF-8): each role gets the permissions its duties need and no more.
 */
export const PERMISSIONS = [
  // The hold shelf: item, pick-up branch, pick-up date and the hold's shelf code (no patron name).
  'holds.shelf',
  'profiles.read',
  // ── statistics: aggregates carry no personal data (CB-A6, RF-3): librarians and up, and the administrator ──
  'statistics.read',
  // The desk: a card is scanned, items go out and come back.
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
  // The library's own configuration, read at the desk (branches, hours, closed days, categories, rules).
  'library.read',
  // A card renewed after the patron is re-verified (CB-F2); a forgotten PIN reset at the desk.
  'patron.renew-card',
  'patron.reset-pin',
  // Lists for staff on duty: overdue items, holds to pull, holds expired, items in transit.
  'circulation.lists',
  'fines.pay',
  'services.record',
  'items.read',
  // Outside a transaction: reading a record by id or search, always with a purpose.
  'patron.read',
  'patron.search',
  'patron.export',
  'items.manage',
  'fines.waive',
  // Lending despite a block (overdue items, balance, expired card), for one transaction, with a reason.
  'circulation.override',
  'patron.delete',
  'records.manage',
  // Lawful disclosure: any member of staff at a desk may be handed a request and must record it; what
  // happens next is the director's (IF-8: presented to an administrator; JC-IVd-le: referred to the
  // director; JC-VIII: the director answers complaints).
  'disclosure.receive',
  'complaints.record',
  // The privacy officer's duties.
  'disclosure.read',
  'disclosure.decide',
  'disclosure.release',
  'legal-hold.manage',
  'complaints.answer',
  'transparency.read',
  // ── privacy audit report (CB-I) ──
  'audit.read',
  // ── end privacy audit report ──
  'access-log.read',
  'access-log.verify',
  'services.review',
  'retention.run',
  // Running the system.
  'library.administer',
  'staff.manage',
  // The scheduler: what each job last did, and running one now.
  'jobs.manage',
  // Notices (issue 17): the queue and its failures and letters (the desk), the library's templates and
  // settings (the administrator), and the breach register (the director, RR-6).
  'notices.read',
  'notices.send',
  'notices.manage',
  'breach.manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];
