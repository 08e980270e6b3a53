/**
 * The CLI's words for the states a command prints (a patron's, an item's, a hold's), in the session's
 * language. In English they are the states' own names, as the CLI always printed them; the keys are
 * written out whole so the build checks each against the catalogue (scripts/check-messages.mjs).
 */
import type { HoldStatus, ItemStatus, PatronStatus } from '../domain/types.js';
import { tr } from './output.js';

const PATRON_STATUS: Record<PatronStatus, string> = {
  active: 'cli.status.patron.active',
  expired: 'cli.status.patron.expired',
  blocked: 'cli.status.patron.blocked',
  'card-lost': 'cli.status.patron.cardLost',
  deceased: 'cli.status.patron.deceased',
};

const ITEM_STATUS: Record<ItemStatus, string> = {
  available: 'cli.status.item.available',
  'on-loan': 'cli.status.item.onLoan',
  'on-hold-shelf': 'cli.status.item.onHoldShelf',
  lost: 'cli.status.item.lost',
  missing: 'cli.status.item.missing',
  withdrawn: 'cli.status.item.withdrawn',
};

const HOLD_STATUS: Record<HoldStatus, string> = {
  pending: 'cli.status.hold.pending',
  ready: 'cli.status.hold.ready',
  fulfilled: 'cli.status.hold.fulfilled',
  cancelled: 'cli.status.hold.cancelled',
  expired: 'cli.status.hold.expired',
};

/** A patron's status as the operator reads it. */
export function patronStatus(status: PatronStatus): string {
  return tr.t(PATRON_STATUS[status]);
}

/** An item's status as the operator reads it. */
export function itemStatus(status: ItemStatus): string {
  return tr.t(ITEM_STATUS[status]);
}

/** A hold's status as the operator reads it. */
export function holdStatus(status: HoldStatus): string {
  return tr.t(HOLD_STATUS[status]);
}
