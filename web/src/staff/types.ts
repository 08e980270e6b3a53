/**
 * What the desk's API routes answer: the static types of the server's own schemas (src/http/schemas/),
 * under the names the desk uses. Only ProfileView is the desk's: GET /profiles/:profileId answers the
 * whole profile, untyped in the schema, and the registration form reads this part of it.
 */
import type { Library } from '../../../src/http/schemas/circulation';
import type { AccountView, HoldView, LoanView } from '../../../src/http/schemas/common';

export type { FineView, PatronView } from '../../../src/http/schemas/common';
export type { CheckinResult, CheckoutResult, Library, PaymentResult, RenewResult, ShelfEntry } from '../../../src/http/schemas/circulation';
export type { NewCard } from '../../../src/http/schemas/patron-service';
export type { Registered, SearchHit } from '../../../src/http/schemas/patrons';

/** POST /patrons/lookup, GET /patrons/:id, POST /patrons/identify. */
export type Account = AccountView;
/** A loan as the desk's account answer gives it. */
export type DeskLoanView = LoanView;
/** A hold as the desk gets it. */
export type DeskHoldView = HoldView;
export type GuardianLinkView = AccountView['guardianLinks'][number];
export type Branch = Library['branches'][number];

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
