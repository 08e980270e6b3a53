/**
 * What a purpose lets a reader see of a patron's record. Public-computer logs are reviewed only when a
 * violation is suspected (JC-VII): a member of staff sees them under the violation review and under no
 * other purpose. Whether the role may name that purpose at all is the role table's question
 * (`permissions.ts`, checked by the use case before anything is read); this file says what is shown.
 */
import type { RecordCategory } from '../domain/records.js';
import type { Actor, Purpose } from './actors.js';
import { SERVICE_CATEGORY } from './inventory.js';
import type { Permission } from './permissions.js';

/** The purpose under which public-computer logs are read (JC-VII). */
const REVIEW: Purpose = 'violation-review';

/**
 * Whether a reading of a patron's whole record (their export, or their own view of it) includes the
 * public-computer logs (JC-VII): for staff only under the violation review; the patron reading their own
 * record and the operator (the system) get everything.
 */
export function seesComputerLogs(actor: Actor, purpose: Purpose): boolean {
  return actor.kind !== 'staff' || purpose === REVIEW;
}

/** What a reading of one patron's service records shows under a purpose, and what it needs. */
export interface ServiceRecordsView {
  /** The permission the reading needs under this purpose (the role must be allowed it for the purpose). */
  permission: Extract<Permission, 'services.review' | 'patron.read'>;
  /** The service record categories shown (and logged as read), in the inventory's order. */
  categories: readonly RecordCategory[];
}

const SERVICE_CATEGORIES: readonly RecordCategory[] = Object.values(SERVICE_CATEGORY);

/**
 * The service records a reading of a patron's services shows (JC-VII): the violation review shows the
 * public-computer logs and nothing else, and needs `services.review`; any other purpose shows every other
 * service (program sign-ups, room bookings, ILL and reference requests, JC-IIId-f) and never those logs.
 */
export function serviceRecordsView(purpose: Purpose): ServiceRecordsView {
  return purpose === REVIEW
    ? { permission: 'services.review', categories: ['computer-sessions'] }
    : { permission: 'patron.read', categories: SERVICE_CATEGORIES.filter((c) => c !== 'computer-sessions') };
}
