/** What the desk's API routes answer (src/http/schemas.ts and src/http/routes/*.routes.ts), as the desk reads it. */

import type { FineView, HoldView, LoanView, PatronView } from '../ui/api-types';

/** A loan as the desk's account answer gives it: with the item's and the branch's ids. */
export interface DeskLoanView extends LoanView {
  itemId: string;
  branchId: string;
}

/** A hold as the desk gets it: with the item's id and the pick-up branch. */
export interface DeskHoldView extends HoldView {
  itemId: string;
  pickupBranchId: string;
}

export interface GuardianLinkView {
  /** `guardian`: the other patron signed this minor's application; `minor`: this patron signed theirs. */
  role: 'guardian' | 'minor';
  patronId: string;
  startedAt: string;
}

/** POST /patrons/lookup, GET /patrons/:id, POST /patrons/identify. */
export interface Account {
  patron: PatronView;
  loans: DeskLoanView[];
  holds: DeskHoldView[];
  fines: FineView[];
  balanceCents: number;
  guardianLinks: GuardianLinkView[];
}

export interface Branch {
  id: string;
  code: string;
  name: string;
}

export interface Library {
  id: string;
  name: string;
  profileId: string;
  timeZone: string;
  branches: Branch[];
}

export interface CheckoutResult {
  loanId: string;
  patronId: string;
  itemBarcode: string;
  title: string;
  dueAt: string;
  fulfilledHoldId: string | null;
}

export interface CheckinResult {
  itemBarcode: string;
  title: string;
  loanId: string | null;
  returnedAt: string;
  daysLate: number;
  fine: { id: string; amountCents: number } | null;
  lostChargeCancelled: boolean;
  routing: { to: string; holdId?: string; pickupBranchId?: string; pickupBy?: string };
}

export interface RenewResult {
  loanId: string;
  itemBarcode: string;
  dueAt: string;
  renewals: number;
  renewalsLeft: number;
  fine: { id: string; amountCents: number } | null;
}

export interface PaymentResult {
  paymentId: string;
  amountCents: number;
  balanceCents: number;
  allocations: { fineId: string; amountCents: number }[];
}

/** POST /patrons/:id/card: a new card number and PIN, in this answer only. */
export interface NewCard {
  patronId: string;
  cardNumber: string;
  pin: string;
  status: string;
}

/** POST /patrons: the card number and PIN are in this answer only. */
export interface Registered {
  id: string;
  cardNumber: string;
  pin: string;
  libraryId: string;
  categoryCode: string;
  expiresAt: string;
}

/** POST /patrons/search. */
export interface SearchHit {
  id: string;
  libraryId: string;
  cardNumber: string;
  name: string;
  birthDate: string;
  status: string;
}

/** GET /libraries/:libraryId/hold-shelf: never the patron. */
export interface ShelfEntry {
  shelfCode: string;
  itemBarcode: string;
  title: string;
  branchCode: string;
  readyAt: string;
  pickupBy: string;
}

/** The part of GET /profiles/:profileId the registration form reads. */
export interface ProfileView {
  id: string;
  name: string;
  access: {
    guardians: {
      ageOfMajority: number;
      withChildCard: 'full' | 'current-circulation' | 'overdue-and-fines' | 'none';
      withoutChildCard: 'overdue-and-fines' | 'none';
      clause: string;
    };
  };
}
