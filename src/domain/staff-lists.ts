/**
 * Staff lists (issue 15): what staff on duty work from — overdue items, holds to pull, expired holds to
 * reshelve, items in transit. Each row carries what its task needs and no more; a pull list, a reshelving
 * list and a transit list name no patron.
 */

export const STAFF_LISTS = ['overdue', 'pull', 'expired-holds', 'in-transit'] as const;
export type StaffList = (typeof STAFF_LISTS)[number];

/** Physical work an item waits for: pulled from the shelves, carried to another branch, reshelved. */
export const ITEM_TASK_KINDS = ['pull', 'transit', 'reshelve'] as const;
export type ItemTaskKind = (typeof ITEM_TASK_KINDS)[number];

export interface ItemTask {
  itemId: string;
  libraryId: string;
  kind: ItemTaskKind;
  /** Where the work is done: the branch to pull at, the branch a transit leaves, the shelf to clear. */
  branchId: string;
  /** Where the item goes next (pull, transit); null when reshelving. */
  toBranchId: string | null;
  /** The ended hold's shelf code (reshelving): what the slip on the item shows. */
  shelfCode: string | null;
  since: string;
}

/**
 * How a patron with an overdue item may be reached, shown only to staff whose role may name the
 * `materials-recovery` purpose and who name it: the name, and the one address of the channel the patron
 * chose for notices (JC-VI); a patron who chose none is spoken to at the desk, so no address is shown.
 */
export interface OverdueContact {
  name: string;
  channel: 'none' | 'email' | 'text';
  /** The email address or phone number for that channel; null for 'none'. */
  address: string | null;
}

export interface OverdueRow {
  itemBarcode: string;
  title: string;
  /** The branch the item belongs to (its code). */
  branchCode: string;
  dueAt: string;
  /** The due date as the library's calendar reads it (YYYY-MM-DD, the library's time zone). */
  dueOn: string;
  daysOverdue: number;
  /** Null unless the request named `materials-recovery` and the actor's role allows it. */
  contact: OverdueContact | null;
}

export interface PullRow {
  itemBarcode: string;
  title: string;
  author: string | null;
  itemType: string;
  /** The branch whose shelves hold the item (its code). */
  branchCode: string;
  /** The hold's pick-up branch (its code). */
  pickupBranchCode: string;
  since: string;
}

export interface ReshelveRow {
  shelfCode: string | null;
  itemBarcode: string;
  title: string;
  /** The branch whose hold shelf the item sits on (its code). */
  branchCode: string;
  since: string;
}

export interface TransitRow {
  itemBarcode: string;
  title: string;
  fromBranchCode: string;
  toBranchCode: string;
  since: string;
}
