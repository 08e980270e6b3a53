/**
 * What the desk's API routes answer: the static types of the server's own schemas (src/http/schemas/),
 * under the names the desk uses. GET /profiles/:profileId answers the whole profile, untyped in the
 * schema: its type is the server's declaration in src/domain/profile.ts.
 */
import type { Library } from '../../../src/http/schemas/circulation';
import type { AccountView, HoldView, LoanView } from '../../../src/http/schemas/common';

export type { FineView, PatronView } from '../../../src/http/schemas/common';
export type { CheckinResult, CheckoutResult, Library, PaymentResult, RenewResult, ShelfEntry } from '../../../src/http/schemas/circulation';
export type { Identification, NewCard } from '../../../src/http/schemas/patron-service';
export type { Registered, SearchHit } from '../../../src/http/schemas/patrons';
// Staff lists (issue 15)
export type { OverdueRow, PullRow, ReshelveRow, TransitRow } from '../../../src/http/schemas/staff-lists';
export type { PinReset, RenewAllResult, RenewedCard } from '../../../src/http/schemas/patron-card';
// The catalogue (issue 18)
export type { ChangedCopy, RecordView, SearchHit as CatalogueHit, SearchResult as CatalogueResult } from '../../../src/http/schemas/catalogue';
import type { RecordView } from '../../../src/http/schemas/catalogue';
/** Copies of a title at one branch, and how many are on the shelf. */
export type CopiesAt = RecordView['availability'][number];

/** POST /patrons/lookup, GET /patrons/:id, POST /patrons/identify. */
export type Account = AccountView;
/** A loan as the desk's account answer gives it. */
export type DeskLoanView = LoanView;
/** A hold as the desk gets it. */
export type DeskHoldView = HoldView;
export type GuardianLinkView = AccountView['guardianLinks'][number];
export type Branch = Library['branches'][number];

/** GET /profiles/:profileId: the validated profile without the file it was read from (the server's own declaration). */
export type { ProfileRules as ProfileView } from '../../../src/domain/profile';
