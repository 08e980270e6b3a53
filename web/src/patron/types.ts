/**
 * The shapes the patron portal reads. The answers of /me/privacy, /me/access-log and the guardian routes
 * are the static types of the server's own schemas (src/http/schemas/). GET /me and the published policy
 * are documents the schemas leave open, declared once in src/domain/ and built by the server against the
 * same declaration: the record in src/domain/patron-document.ts, the published policy in
 * src/domain/published-policy.ts.
 */
import type { DependentRecord, ServiceView } from '../../../src/http/schemas/guardian';
import type { PatronRecordDocument } from '../../../src/domain/patron-document';

export type { Dependent, DependentRecord, GuardianLevel } from '../../../src/http/schemas/guardian';
export type { AccessSeen, NoticeChannel, PrivacyView } from '../../../src/http/schemas/self';
/** A notice the patron was sent (GET /me/notices): kind, channel, time and status, never its text. */
export type { OwnNotice } from '../../../src/http/schemas/notices';
/** The published privacy policy (GET /libraries/:id/privacy-policy?format=json): the server's own document. */
export type { PrivacyPolicyDocument as PublishedPolicy } from '../../../src/domain/published-policy';

/** A payment, as a guardian's view and GET /me give it. */
export type Payment = NonNullable<DependentRecord['payments']>[number];
/** A service record, as a guardian's view and GET /me give it. */
export type ServiceRecord = ServiceView;

/** GET /me: every category of the inventory that concerns the patron; `contents` says where each is. */
export type MyRecord = PatronRecordDocument;
export type { MyHold, MyLoan, RenewAllOutcome } from '../../../src/http/schemas/my-circulation';
export type { RecordView, SearchHit, SearchResult } from '../../../src/http/schemas/catalogue';
