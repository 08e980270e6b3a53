import { useState, type FormEvent } from 'react';
import { api, query } from '../api';
import { useT, wordFor, type MessageId } from '../i18n';
import { ErrorMessage, Field, Notice, Page, Select, Table, aboutField, useAction } from '../ui/components';
import { useFocusTarget, when } from './common';
import { usePaged } from '../ui/Pager';

/** One entry of GET /patrons/:patronId/access-log. */
interface AccessEntry {
  at: string;
  actorKind: string;
  actorId: string;
  actorName: string | null;
  actorLibraryName: string | null;
  actorRole: string | null;
  actorLibraryId: string | null;
  action: string;
  categories: string[];
  purpose: string;
  channel: string;
}

/** One record of GET /patrons/:patronId/service-records, details opened (src/domain/types.ts ServiceRecord). */
interface ServiceRecordView {
  id: string;
  kind: string;
  status: string;
  branchId?: string | null;
  resource?: string | null;
  startsAt?: string;
  endsAt?: string | null;
  details?: { title: string; author: string | null; isbn: string | null } | { question: string } | null;
}

/** The purposes a look-up outside a transaction may name (src/policy/actors.ts LOOKUP_PURPOSES). */
const PURPOSES: { value: string; label: MessageId; none: MessageId }[] = [
  { value: 'violation-review', label: 'officerecords.patronRecords.purpose.violationReview', none: 'officerecords.patronRecords.noRecords.violationReview' },
  { value: 'account-service', label: 'officerecords.patronRecords.purpose.accountService', none: 'officerecords.patronRecords.noRecords.accountService' },
  { value: 'materials-recovery', label: 'officerecords.patronRecords.purpose.materialsRecovery', none: 'officerecords.patronRecords.noRecords.materialsRecovery' },
  { value: 'fines-collection', label: 'officerecords.patronRecords.purpose.finesCollection', none: 'officerecords.patronRecords.noRecords.finesCollection' },
  { value: 'legal-disclosure', label: 'officerecords.patronRecords.purpose.legalDisclosure', none: 'officerecords.patronRecords.noRecords.legalDisclosure' },
];

const KINDS: Record<string, MessageId> = {
  'computer-session': 'officerecords.patronRecords.kind.computerSession',
  'program-signup': 'officerecords.patronRecords.kind.programSignup',
  'room-booking': 'officerecords.patronRecords.kind.roomBooking',
  'ill-request': 'officerecords.patronRecords.kind.illRequest',
  'reference-request': 'officerecords.patronRecords.kind.referenceRequest',
};

/** A service record's status (src/domain/types.ts SERVICE_STATUSES). */
const SERVICE_STATUSES: Record<string, MessageId> = {
  active: 'officerecords.patronRecords.status.active',
  ended: 'officerecords.patronRecords.status.ended',
  booked: 'officerecords.patronRecords.status.booked',
  cancelled: 'officerecords.patronRecords.status.cancelled',
  open: 'officerecords.patronRecords.status.open',
  fulfilled: 'officerecords.patronRecords.status.fulfilled',
  answered: 'officerecords.patronRecords.status.answered',
};

/** Who looked, by kind of actor (src/policy/actors.ts). */
const ACTOR_KINDS: Record<string, MessageId> = {
  staff: 'officerecords.patronRecords.actor.staff',
  patron: 'officerecords.patronRecords.actor.patron',
  system: 'officerecords.patronRecords.actor.system',
  sip2: 'officerecords.patronRecords.actor.sip2',
  vendor: 'officerecords.patronRecords.actor.vendor',
};

/** Staff roles (src/domain/roles.ts ROLES). */
const ROLES: Record<string, MessageId> = {
  volunteer: 'officerecords.patronRecords.role.volunteer',
  circulation: 'officerecords.patronRecords.role.circulation',
  librarian: 'officerecords.patronRecords.role.librarian',
  'branch-manager': 'officerecords.patronRecords.role.branchManager',
  director: 'officerecords.patronRecords.role.director',
  admin: 'officerecords.patronRecords.role.admin',
};

/** Why a record was touched, as the access log names it (src/domain/purposes.ts PURPOSES). */
const LOG_PURPOSES: Record<string, MessageId> = {
  circulation: 'officerecords.patronRecords.logPurpose.circulation',
  'account-service': 'officerecords.patronRecords.logPurpose.accountService',
  'materials-recovery': 'officerecords.patronRecords.logPurpose.materialsRecovery',
  'fines-collection': 'officerecords.patronRecords.logPurpose.finesCollection',
  'legal-disclosure': 'officerecords.patronRecords.logPurpose.legalDisclosure',
  statistics: 'officerecords.patronRecords.logPurpose.statistics',
  'self-service': 'officerecords.patronRecords.logPurpose.selfService',
  administration: 'officerecords.patronRecords.logPurpose.administration',
  retention: 'officerecords.patronRecords.logPurpose.retention',
  'violation-review': 'officerecords.patronRecords.logPurpose.violationReview',
  'guardian-access': 'officerecords.patronRecords.logPurpose.guardianAccess',
  authentication: 'officerecords.patronRecords.logPurpose.authentication',
  notices: 'officerecords.patronRecords.logPurpose.notices',
};

/** What was done (the access log's action). */
const LOG_ACTIONS: Record<string, MessageId> = {
  register: 'officerecords.patronRecords.action.register',
  login: 'officerecords.patronRecords.action.login',
  view: 'officerecords.patronRecords.action.view',
  export: 'officerecords.patronRecords.action.export',
  'view-account': 'officerecords.patronRecords.action.viewAccount',
  'view-guardian-link': 'officerecords.patronRecords.action.viewGuardianLink',
  'view-privacy': 'officerecords.patronRecords.action.viewPrivacy',
  'privacy-changed': 'officerecords.patronRecords.action.privacyChanged',
  'view-access-log': 'officerecords.patronRecords.action.viewAccessLog',
  'view-services': 'officerecords.patronRecords.action.viewServices',
  'view-loans': 'officerecords.patronRecords.action.viewLoans',
  'view-holds': 'officerecords.patronRecords.action.viewHolds',
  'view-notices': 'officerecords.patronRecords.action.viewNotices',
  correct: 'officerecords.patronRecords.action.correct',
  checkout: 'officerecords.patronRecords.action.checkout',
  'checkout-override': 'officerecords.patronRecords.action.checkoutOverride',
  checkin: 'officerecords.patronRecords.action.checkin',
  renew: 'officerecords.patronRecords.action.renew',
  'renew-all': 'officerecords.patronRecords.action.renewAll',
  'declare-lost': 'officerecords.patronRecords.action.declareLost',
  'lost-item-returned': 'officerecords.patronRecords.action.lostItemReturned',
  'long-overdue-lost': 'officerecords.patronRecords.action.longOverdueLost',
  'hold-placed': 'officerecords.patronRecords.action.holdPlaced',
  'hold-cancelled': 'officerecords.patronRecords.action.holdCancelled',
  'hold-trapped': 'officerecords.patronRecords.action.holdTrapped',
  'hold-expired': 'officerecords.patronRecords.action.holdExpired',
  'hold-suspended': 'officerecords.patronRecords.action.holdSuspended',
  'hold-resumed': 'officerecords.patronRecords.action.holdResumed',
  'hold-shelf': 'officerecords.patronRecords.action.holdShelf',
  payment: 'officerecords.patronRecords.action.payment',
  'fine-accrued': 'officerecords.patronRecords.action.fineAccrued',
  'fine-waived': 'officerecords.patronRecords.action.fineWaived',
  'checkout-refused': 'officerecords.patronRecords.action.checkoutRefused',
  'renew-refused': 'officerecords.patronRecords.action.renewRefused',
  'hold-refused': 'officerecords.patronRecords.action.holdRefused',
  'payment-refused': 'officerecords.patronRecords.action.paymentRefused',
  'waiver-refused': 'officerecords.patronRecords.action.waiverRefused',
  'guardian-refused': 'officerecords.patronRecords.action.guardianRefused',
  'program-signup-refused': 'officerecords.patronRecords.action.programSignupRefused',
  'pin-changed': 'officerecords.patronRecords.action.pinChanged',
  'pin-reset-requested': 'officerecords.patronRecords.action.pinResetRequested',
  'pin-reset': 'officerecords.patronRecords.action.pinReset',
  'status-card-lost': 'officerecords.patronRecords.action.statusCardLost',
  'card-reissued': 'officerecords.patronRecords.action.cardReissued',
  'card-renewed': 'officerecords.patronRecords.action.cardRenewed',
  'membership-changed': 'officerecords.patronRecords.action.membershipChanged',
  'search-match': 'officerecords.patronRecords.action.searchMatch',
  'identity-verified': 'officerecords.patronRecords.action.identityVerified',
  'identity-check-failed': 'officerecords.patronRecords.action.identityCheckFailed',
  'identity-check-ambiguous': 'officerecords.patronRecords.action.identityCheckAmbiguous',
  'identity-check-locked': 'officerecords.patronRecords.action.identityCheckLocked',
  'guardian-linked': 'officerecords.patronRecords.action.guardianLinked',
  'guardian-link-ended': 'officerecords.patronRecords.action.guardianLinkEnded',
  'guardian-dependents': 'officerecords.patronRecords.action.guardianDependents',
  'guardian-view': 'officerecords.patronRecords.action.guardianView',
  'guardian-notified': 'officerecords.patronRecords.action.guardianNotified',
  'reading-history-opt-in': 'officerecords.patronRecords.action.readingHistoryOptIn',
  'reading-history-opt-out': 'officerecords.patronRecords.action.readingHistoryOptOut',
  'notice-choices-changed': 'officerecords.patronRecords.action.noticeChoicesChanged',
  'notices-listed': 'officerecords.patronRecords.action.noticesListed',
  unsubscribed: 'officerecords.patronRecords.action.unsubscribed',
  'complaint-recorded': 'officerecords.patronRecords.action.complaintRecorded',
  'complaint-read': 'officerecords.patronRecords.action.complaintRead',
  'complaint-answered': 'officerecords.patronRecords.action.complaintAnswered',
  'legal-request-received': 'officerecords.patronRecords.action.legalRequestReceived',
  'legal-disclosure-release': 'officerecords.patronRecords.action.legalDisclosureRelease',
  'legal-hold-placed': 'officerecords.patronRecords.action.legalHoldPlaced',
  'legal-hold-released': 'officerecords.patronRecords.action.legalHoldReleased',
  delete: 'officerecords.patronRecords.action.delete',
  backup: 'officerecords.patronRecords.action.backup',
  restore: 'officerecords.patronRecords.action.restore',
  'sip2-patron': 'officerecords.patronRecords.action.sip2Patron',
  'sip2-authenticate': 'officerecords.patronRecords.action.sip2Authenticate',
  'sip2-block': 'officerecords.patronRecords.action.sip2Block',
  'vendor-sign-in': 'officerecords.patronRecords.action.vendorSignIn',
  'vendor-claims': 'officerecords.patronRecords.action.vendorClaims',
  'vendor-consent': 'officerecords.patronRecords.action.vendorConsent',
  'vendors-read': 'officerecords.patronRecords.action.vendorsRead',
  'vendor-revoke': 'officerecords.patronRecords.action.vendorRevoke',
};

/** The record categories an entry names (src/domain/records.ts RECORD_CATEGORIES). */
const LOG_CATEGORIES: Record<string, MessageId> = {
  registration: 'officerecords.patronRecords.category.registration',
  guardianship: 'officerecords.patronRecords.category.guardianship',
  circulation: 'officerecords.patronRecords.category.circulation',
  'reading-history': 'officerecords.patronRecords.category.readingHistory',
  holds: 'officerecords.patronRecords.category.holds',
  fines: 'officerecords.patronRecords.category.fines',
  'computer-sessions': 'officerecords.patronRecords.category.computerSessions',
  'program-signups': 'officerecords.patronRecords.category.programSignups',
  'room-bookings': 'officerecords.patronRecords.category.roomBookings',
  'ill-requests': 'officerecords.patronRecords.category.illRequests',
  'reference-requests': 'officerecords.patronRecords.category.referenceRequests',
  complaints: 'officerecords.patronRecords.category.complaints',
  notices: 'officerecords.patronRecords.category.notices',
  'vendor-authorisations': 'officerecords.patronRecords.category.vendorAuthorisations',
  'access-log': 'officerecords.patronRecords.category.accessLog',
  'circulation-statistics': 'officerecords.patronRecords.category.circulationStatistics',
  'registration-statistics': 'officerecords.patronRecords.category.registrationStatistics',
  'service-statistics': 'officerecords.patronRecords.category.serviceStatistics',
  'vendor-statistics': 'officerecords.patronRecords.category.vendorStatistics',
};

/** How the request came (src/policy/actors.ts Channel). */
const LOG_CHANNELS: Record<string, MessageId> = {
  http: 'officerecords.patronRecords.channel.http',
  cli: 'officerecords.patronRecords.channel.cli',
  sip2: 'officerecords.patronRecords.channel.sip2',
  job: 'officerecords.patronRecords.channel.job',
};

function detailsOf(details: ServiceRecordView['details']): string {
  if (!details) return '—';
  if ('question' in details) return details.question;
  return [details.title, details.author, details.isbn].filter(Boolean).join(' · ');
}

/**
 * A patron's access log and service records (the director): the patron is found by card number, typed
 * and sent in a body (POST /patrons/lookup); only the patron's id is kept and shown.
 */
export function PatronRecordsPage() {
  const t = useT();
  const [card, setCard] = useState('');
  const [lookupPurpose, setLookupPurpose] = useState('');
  const [patronId, setPatronId] = useState<string | undefined>(undefined);
  const [log, setLog] = useState<AccessEntry[] | undefined>(undefined);
  const { shown: logShown, pager: logPager } = usePaged(log);
  const [purpose, setPurpose] = useState('');
  const [records, setRecords] = useState<{ purpose: string; rows: ServiceRecordView[] } | undefined>(undefined);
  const find = useAction();
  const logAction = useAction();
  const review = useAction();
  const found = useFocusTarget<HTMLHeadingElement>();

  const loadLog = async (id: string) => {
    const answer = await logAction.run(() => api<{ patronId: string; entries: AccessEntry[] }>('GET', `/patrons/${encodeURIComponent(id)}/access-log`));
    if (answer) setLog(answer.entries);
  };

  const lookUp = async (event: FormEvent) => {
    event.preventDefault();
    setPatronId(undefined);
    setLog(undefined);
    setRecords(undefined);
    if (!lookupPurpose) return;
    // A look-up from the office is not a desk transaction: it names its purpose, which the log records.
    const account = await find.run(() => api<{ patron: { id: string } }>('POST', '/patrons/lookup', { cardNumber: card.trim(), purpose: lookupPurpose }));
    if (!account) return;
    // Only the id is kept: nothing else of the account is needed here, and the card number goes.
    setPatronId(account.patron.id);
    setCard('');
    setPurpose(lookupPurpose);
    found.focus();
    await loadLog(account.patron.id);
  };

  const readRecords = async (event: FormEvent) => {
    event.preventDefault();
    if (!patronId || !purpose) return;
    const rows = await review.run(() => api<ServiceRecordView[]>('GET', `/patrons/${encodeURIComponent(patronId)}/service-records${query({ purpose })}`));
    if (rows) setRecords({ purpose, rows });
  };

  const purposeOf = (value: string) => PURPOSES.find((p) => p.value === value);
  const purposeLabel = (value: string) => {
    const p = purposeOf(value);
    return p ? t(p.label) : value;
  };
  const noRecords = (value: string) => {
    const p = purposeOf(value);
    return p ? t(p.none) : t('officerecords.patronRecords.noRecords', { purpose: value });
  };
  const purposeOptions = [{ value: '', label: t('officerecords.patronRecords.choosePurpose') }, ...PURPOSES.map((p) => ({ value: p.value, label: t(p.label) }))];

  return (
    <Page title={t('officerecords.patronRecords.title')}>
      <p>{t('officerecords.patronRecords.intro')}</p>
      <section aria-labelledby="records-find">
        <h2 id="records-find">{t('officerecords.patronRecords.find')}</h2>
        <form className="office-form narrow" onSubmit={(e) => void lookUp(e)}>
          <Field
            label={t('officerecords.patronRecords.card')}
            name="recordsCard"
            required
            autoComplete="off"
            spellCheck={false}
            inputMode="numeric"
            value={card}
            onChange={(e) => setCard(e.target.value)}
            error={aboutField(find.error, 'cardNumber')}
          />
          <Select
            label={t('officerecords.patronRecords.lookupPurpose')}
            hint={t('officerecords.patronRecords.lookupPurpose.hint')}
            name="lookupPurpose"
            required
            value={lookupPurpose}
            onChange={(e) => setLookupPurpose(e.target.value)}
            options={purposeOptions}
            error={aboutField(find.error, 'purpose')}
          />
          <ErrorMessage error={find.error} />
          <button type="submit" disabled={find.busy}>
            {t('officerecords.patronRecords.find')}
          </button>
        </form>
      </section>
      {patronId && (
        <>
          <section aria-labelledby="records-log">
            <h2 id="records-log" ref={found.ref} tabIndex={-1}>
              {t('officerecords.patronRecords.log', { patronId })}
            </h2>
            <ErrorMessage error={logAction.error} />
            {logAction.busy && <p className="loading">{t('common.loading')}</p>}
            {log && log.length === 0 && <p>{t('officerecords.patronRecords.log.none')}</p>}
            {log && log.length > 0 && (
              <>
              <Table
                caption={t('officerecords.patronRecords.log.count', { count: log.length })}
                columns={[
                  t('officerecords.patronRecords.log.when'),
                  t('officerecords.patronRecords.log.who'),
                  t('officerecords.patronRecords.log.role'),
                  t('officerecords.patronRecords.log.action'),
                  t('officerecords.patronRecords.log.records'),
                  t('officerecords.patronRecords.log.purpose'),
                  t('officerecords.patronRecords.log.channel'),
                ]}
              >
                {logShown.map((e, i) => (
                  <tr key={i}>
                    <th scope="row">{when(e.at)}</th>
                    <td>
                      {wordFor(ACTOR_KINDS, e.actorKind)} {e.actorName ?? (e.actorKind === 'staff' ? '' : e.actorId)}
                      {e.actorLibraryId ? ` (${e.actorLibraryName ?? e.actorLibraryId})` : ''}
                    </td>
                    <td>{e.actorRole ? wordFor(ROLES, e.actorRole) : '—'}</td>
                    <td>{wordFor(LOG_ACTIONS, e.action)}</td>
                    <td>{e.categories.map((c) => wordFor(LOG_CATEGORIES, c)).join(', ') || '—'}</td>
                    <td>{wordFor(LOG_PURPOSES, e.purpose)}</td>
                    <td>{wordFor(LOG_CHANNELS, e.channel)}</td>
                  </tr>
                ))}
              </Table>
              {logPager}
              </>
            )}
          </section>
          <section aria-labelledby="records-services">
            <h2 id="records-services">{t('officerecords.patronRecords.services')}</h2>
            <form className="office-form narrow" onSubmit={(e) => void readRecords(e)}>
              <Select
                label={t('officerecords.patronRecords.reviewPurpose')}
                hint={t('officerecords.patronRecords.reviewPurpose.hint')}
                name="recordsPurpose"
                required
                value={purpose}
                onChange={(e) => setPurpose(e.target.value)}
                options={purposeOptions}
                error={aboutField(review.error, 'purpose')}
              />
              <ErrorMessage error={review.error} />
              <button type="submit" disabled={review.busy}>
                {t('officerecords.patronRecords.services.open')}
              </button>
            </form>
            {records && (
              <>
                <Notice>
                  {records.purpose === 'violation-review'
                    ? t('officerecords.patronRecords.services.violationOnly')
                    : t('officerecords.patronRecords.services.withheld')}
                </Notice>
                {records.rows.length === 0 ? (
                  <p>{noRecords(records.purpose)}</p>
                ) : (
                  <Table
                    caption={t('officerecords.patronRecords.services.count', { count: records.rows.length, purpose: purposeLabel(records.purpose) })}
                    columns={[
                      t('officerecords.patronRecords.services.service'),
                      t('officerecords.patronRecords.services.status'),
                      t('officerecords.patronRecords.services.branch'),
                      t('officerecords.patronRecords.services.resource'),
                      t('officerecords.patronRecords.services.from'),
                      t('officerecords.patronRecords.services.until'),
                      t('officerecords.patronRecords.services.details'),
                    ]}
                  >
                    {records.rows.map((r) => (
                      <tr key={r.id}>
                        <th scope="row">{wordFor(KINDS, r.kind)}</th>
                        <td>{wordFor(SERVICE_STATUSES, r.status)}</td>
                        <td>{r.branchId ?? '—'}</td>
                        <td>{r.resource ?? '—'}</td>
                        <td>{when(r.startsAt)}</td>
                        <td>{when(r.endsAt)}</td>
                        <td>{detailsOf(r.details)}</td>
                      </tr>
                    ))}
                  </Table>
                )}
              </>
            )}
          </section>
        </>
      )}
    </Page>
  );
}
