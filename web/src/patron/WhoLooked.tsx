import { useState } from 'react';
import { api } from '../api';
import { t, useT, type MessageId } from '../i18n';
import { Checkbox, day, ErrorMessage, Page, useLoad } from '../ui/components';
import type { AccessSeen } from './types';
import { plain, wordsFor } from './parts';
import { usePaged } from '../ui/Pager';

/** Why someone opened the record (the access log's purpose, src/domain/purposes.ts). */
const PURPOSE_WORDS: Record<string, MessageId> = {
  circulation: 'portal.whoLooked.purpose.circulation',
  'account-service': 'portal.whoLooked.purpose.accountService',
  'materials-recovery': 'portal.whoLooked.purpose.materialsRecovery',
  'fines-collection': 'portal.whoLooked.purpose.finesCollection',
  'legal-disclosure': 'portal.whoLooked.purpose.legalDisclosure',
  statistics: 'portal.whoLooked.purpose.statistics',
  'self-service': 'portal.whoLooked.purpose.selfService',
  administration: 'portal.whoLooked.purpose.administration',
  retention: 'portal.whoLooked.purpose.retention',
  'violation-review': 'portal.whoLooked.purpose.violationReview',
  'guardian-access': 'portal.whoLooked.purpose.guardianAccess',
  authentication: 'portal.whoLooked.purpose.authentication',
  notices: 'portal.whoLooked.purpose.notices',
};

/** What they did (the access log's action). */
const ACTION_WORDS: Record<string, MessageId> = {
  register: 'portal.whoLooked.action.register',
  login: 'portal.whoLooked.action.login',
  view: 'portal.whoLooked.action.view',
  export: 'portal.whoLooked.action.export',
  'view-account': 'portal.whoLooked.action.viewAccount',
  'view-guardian-link': 'portal.whoLooked.action.viewGuardianLink',
  'view-privacy': 'portal.whoLooked.action.viewPrivacy',
  'privacy-changed': 'portal.whoLooked.action.privacyChanged',
  'view-access-log': 'portal.whoLooked.action.viewAccessLog',
  'view-services': 'portal.whoLooked.action.viewServices',
  correct: 'portal.whoLooked.action.correct',
  checkout: 'portal.whoLooked.action.checkout',
  checkin: 'portal.whoLooked.action.checkin',
  renew: 'portal.whoLooked.action.renew',
  'declare-lost': 'portal.whoLooked.action.declareLost',
  'lost-item-returned': 'portal.whoLooked.action.lostItemReturned',
  'hold-placed': 'portal.whoLooked.action.holdPlaced',
  'hold-cancelled': 'portal.whoLooked.action.holdCancelled',
  'hold-trapped': 'portal.whoLooked.action.holdTrapped',
  'hold-expired': 'portal.whoLooked.action.holdExpired',
  'hold-shelf': 'portal.whoLooked.action.holdShelf',
  payment: 'portal.whoLooked.action.payment',
  'fine-waived': 'portal.whoLooked.action.fineWaived',
  'checkout-refused': 'portal.whoLooked.action.checkoutRefused',
  'renew-refused': 'portal.whoLooked.action.renewRefused',
  'hold-refused': 'portal.whoLooked.action.holdRefused',
  'payment-refused': 'portal.whoLooked.action.paymentRefused',
  'waiver-refused': 'portal.whoLooked.action.waiverRefused',
  'guardian-refused': 'portal.whoLooked.action.guardianRefused',
  'program-signup-refused': 'portal.whoLooked.action.programSignupRefused',
  'pin-changed': 'portal.whoLooked.action.pinChanged',
  'status-card-lost': 'portal.whoLooked.action.statusCardLost',
  'card-reissued': 'portal.whoLooked.action.cardReissued',
  'search-match': 'portal.whoLooked.action.searchMatch',
  'identity-verified': 'portal.whoLooked.action.identityVerified',
  'identity-check-failed': 'portal.whoLooked.action.identityCheckFailed',
  'identity-check-ambiguous': 'portal.whoLooked.action.identityCheckAmbiguous',
  'identity-check-locked': 'portal.whoLooked.action.identityCheckLocked',
  'guardian-linked': 'portal.whoLooked.action.guardianLinked',
  'guardian-link-ended': 'portal.whoLooked.action.guardianLinkEnded',
  'guardian-dependents': 'portal.whoLooked.action.guardianDependents',
  'guardian-view': 'portal.whoLooked.action.guardianView',
  'reading-history-opt-in': 'portal.whoLooked.action.readingHistoryOptIn',
  'reading-history-opt-out': 'portal.whoLooked.action.readingHistoryOptOut',
  'complaint-recorded': 'portal.whoLooked.action.complaintRecorded',
  'complaint-read': 'portal.whoLooked.action.complaintRead',
  'complaint-answered': 'portal.whoLooked.action.complaintAnswered',
  'legal-request-received': 'portal.whoLooked.action.legalRequestReceived',
  'legal-disclosure-release': 'portal.whoLooked.action.legalDisclosureRelease',
  delete: 'portal.whoLooked.action.delete',
  'sip2-patron': 'portal.whoLooked.action.sip2Patron',
  'sip2-authenticate': 'portal.whoLooked.action.sip2Authenticate',
  'sip2-block': 'portal.whoLooked.action.sip2Block',
  'vendor-sign-in': 'portal.whoLooked.action.vendorSignIn',
  'vendor-claims': 'portal.whoLooked.action.vendorClaims',
  'vendor-consent': 'portal.whoLooked.action.vendorConsent',
  'vendors-read': 'portal.whoLooked.action.vendorsRead',
  'vendor-revoke': 'portal.whoLooked.action.vendorRevoke',
};

/** Who, as the API words it: 'you', 'guardian', 'system', or a staff role in words (src/policy/actors.ts ROLE_NAMES). */
const ROLE_WORDS: Record<string, MessageId> = {
  you: 'portal.whoLooked.role.you',
  guardian: 'portal.whoLooked.role.guardian',
  system: 'portal.whoLooked.role.system',
  vendor: 'portal.whoLooked.role.vendor',
  volunteer: 'portal.whoLooked.role.volunteer',
  'circulation clerk': 'portal.whoLooked.role.circulationClerk',
  librarian: 'portal.whoLooked.role.librarian',
  'branch manager': 'portal.whoLooked.role.branchManager',
  'director / privacy officer': 'portal.whoLooked.role.directorPrivacyOfficer',
  'system administrator': 'portal.whoLooked.role.systemAdministrator',
  staff: 'portal.whoLooked.role.staff',
  'self-check': 'portal.whoLooked.role.selfCheck',
  'returns sorter': 'portal.whoLooked.role.returnsSorter',
};

/** The record categories of the inventory (src/domain/records.ts), named as the published policy names them. */
const CATEGORY_WORDS: Record<string, MessageId> = {
  registration: 'portal.whoLooked.category.registration',
  guardianship: 'portal.whoLooked.category.guardianship',
  circulation: 'portal.whoLooked.category.circulation',
  'reading-history': 'portal.whoLooked.category.readingHistory',
  holds: 'portal.whoLooked.category.holds',
  fines: 'portal.whoLooked.category.fines',
  'computer-sessions': 'portal.whoLooked.category.computerSessions',
  'program-signups': 'portal.whoLooked.category.programSignups',
  'room-bookings': 'portal.whoLooked.category.roomBookings',
  'ill-requests': 'portal.whoLooked.category.illRequests',
  'reference-requests': 'portal.whoLooked.category.referenceRequests',
  complaints: 'portal.whoLooked.category.complaints',
  notices: 'portal.whoLooked.category.notices',
  'vendor-authorisations': 'portal.whoLooked.category.vendorAuthorisations',
  'access-log': 'portal.whoLooked.category.accessLog',
  'circulation-statistics': 'portal.whoLooked.category.circulationStatistics',
  'registration-statistics': 'portal.whoLooked.category.registrationStatistics',
  'service-statistics': 'portal.whoLooked.category.serviceStatistics',
  'vendor-statistics': 'portal.whoLooked.category.vendorStatistics',
};

/** Who, in words: a role, or a machine the API names with its branch or its service ('self-check at Central Library'). */
function roleWords(role: string): string {
  const id = ROLE_WORDS[role];
  if (id) return t(id);
  const selfCheck = /^self-check at (.+)$/.exec(role);
  if (selfCheck?.[1]) return t('portal.whoLooked.role.selfCheckAt', { branch: selfCheck[1] });
  const sorter = /^returns sorter at (.+)$/.exec(role);
  if (sorter?.[1]) return t('portal.whoLooked.role.sorterAt', { branch: sorter[1] });
  const authentication = /^authentication for (.+)$/.exec(role);
  if (authentication?.[1]) return t('portal.whoLooked.role.authenticationFor', { service: authentication[1] });
  return plain(role);
}

/**
 * `/me/who-looked`: every access to the patron's record they are told of (GET /me/access-log): the day,
 * who by role (never a name), their library, why, what they did and which records. Newest first.
 */
export function WhoLooked() {
  const t = useT();
  const log = useLoad(() => api<AccessSeen[]>('GET', '/me/access-log'), []);
  const [othersOnly, setOthersOnly] = useState(false);
  const all = log.data ? [...log.data].reverse() : [];
  const entries = othersOnly ? all.filter((e) => e.role !== 'you') : all;
  const { shown, pager } = usePaged(entries);
  return (
    <Page title={t('portal.whoLooked.title')}>
      <p>{t('portal.whoLooked.intro')}</p>
      <p className="hint">{t('portal.whoLooked.legalHint')}</p>
      {log.loading && !log.data && <p className="loading">{t('portal.whoLooked.loading')}</p>}
      <ErrorMessage error={log.error} />
      {log.data && entries.length === 0 && <p className="portal-empty">{t('portal.whoLooked.none')}</p>}
      {all.length > 0 && (
        <Checkbox label={t('portal.whoLooked.othersOnly')} checked={othersOnly} onChange={setOthersOnly} />
      )}
      {log.data && all.length > 0 && entries.length === 0 && <p className="portal-empty">{t('portal.whoLooked.noneButYou')}</p>}
      {entries.length > 0 && (
        <>
          <h2>{t('portal.whoLooked.heading', { count: entries.length })}</h2>
          <ul className="portal-log">
            {shown.map((e, i) => (
              <li key={i}>
                <p className="portal-who">
                  {e.library ? t('portal.whoLooked.whoAt', { who: roleWords(e.role), library: e.library }) : roleWords(e.role)}
                </p>
                <dl className="portal-facts">
                  <dt>{t('portal.whoLooked.day')}</dt>
                  <dd>{day(e.date)}</dd>
                  <dt>{t('portal.whoLooked.why')}</dt>
                  <dd>{wordsFor(PURPOSE_WORDS, e.purpose)}</dd>
                  <dt>{t('portal.whoLooked.what')}</dt>
                  <dd>{wordsFor(ACTION_WORDS, e.action)}</dd>
                  <dt>{t('portal.whoLooked.records')}</dt>
                  <dd>{e.categories.length > 0 ? e.categories.map((c) => wordsFor(CATEGORY_WORDS, c)).join(', ') : '—'}</dd>
                </dl>
              </li>
            ))}
          </ul>
          {pager}
        </>
      )}
    </Page>
  );
}
