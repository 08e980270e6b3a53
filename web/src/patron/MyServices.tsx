import { useState } from 'react';
import type { MyVendor } from '../../../src/http/schemas/vendors';
import type { ExtraClaim } from '../../../src/domain/vendor-terms';
import { vendorsApi } from '../api';
import { t, useT, type MessageId } from '../i18n';
import { day, ErrorMessage, Page, useAction, useLoad } from '../ui/components';

/** What a service may receive, in the patron's words. */
const CLAIM_WORDS: Record<ExtraClaim, MessageId> = {
  category: 'portal.services.claim.category',
  age_band: 'portal.services.claim.ageBand',
  name: 'portal.services.claim.name',
  email: 'portal.services.claim.email',
};

/** What the patron agreed a service may receive, in a sentence. */
function shares(vendor: MyVendor): string {
  if (vendor.consentedClaims.length === 0) return t('portal.services.sharesNothingMore');
  const claims = vendor.consentedClaims.map((c) => (c in CLAIM_WORDS ? t(CLAIM_WORDS[c]) : c)).join(', ');
  return t('portal.services.sharesAlso', { claims });
}

/**
 * `/me/services`: the e-content services, databases and proxies the patron signed in to with their card
 * (GET /me/vendors), when first and last, and what they agreed each may receive (RF-6, CB-D, IF-9). Each
 * can be revoked, after a question: Carrel forgets that the patron used it and what they agreed to, and
 * the sign-in the service holds stops working (DELETE /me/vendors/:id).
 */
export function MyServices() {
  const t = useT();
  const services = useLoad(() => vendorsApi.mine(), []);
  const action = useAction();
  const [said, setSaid] = useState('');
  const [confirming, setConfirming] = useState<string | null>(null);

  const revoke = async (vendor: MyVendor) => {
    const done = await action.run(async () => {
      await vendorsApi.revokeMine(vendor.vendorId);
      return true;
    });
    if (done) setSaid(t('portal.services.revoked', { name: vendor.vendorName }));
    setConfirming(null);
    services.reload();
  };

  const list = services.data?.vendors ?? [];
  return (
    <Page title={t('portal.services.title')}>
      <p>{t('portal.services.intro')}</p>
      {services.loading && !services.data && <p className="loading">{t('portal.services.loading')}</p>}
      <ErrorMessage error={services.error} />
      <ErrorMessage error={action.error} />
      <p aria-live="polite" className="portal-said">
        {said}
      </p>
      {services.data && list.length === 0 && <p className="portal-empty">{t('portal.services.none')}</p>}
      {list.length > 0 && (
        <ul className="portal-list" aria-label={t('portal.services.list')}>
          {list.map((vendor) => (
            <li key={vendor.vendorId}>
              <p className="portal-item-title">{vendor.vendorName}</p>
              <dl className="portal-facts">
                <dt>{t('portal.services.firstAt')}</dt>
                <dd>{day(vendor.firstAt)}</dd>
                <dt>{t('portal.services.lastAt')}</dt>
                <dd>{day(vendor.lastAt)}</dd>
                <dt>{t('portal.services.mayKnow')}</dt>
                <dd>{shares(vendor)}</dd>
                {vendor.consentedAt && (
                  <>
                    <dt>{t('portal.services.agreed')}</dt>
                    <dd>{day(vendor.consentedAt)}</dd>
                  </>
                )}
              </dl>
              {confirming === vendor.vendorId ? (
                <div role="group" aria-label={t('portal.services.revokeQuestionLabel', { name: vendor.vendorName })}>
                  <p>{t('portal.services.revokeQuestion', { name: vendor.vendorName })}</p>
                  <button type="button" className="danger" onClick={() => void revoke(vendor)} disabled={action.busy}>
                    {t('portal.services.revokeYes', { name: vendor.vendorName })}
                  </button>
                  <button type="button" onClick={() => setConfirming(null)}>
                    {t('portal.services.keep')}
                  </button>
                </div>
              ) : (
                <button type="button" onClick={() => setConfirming(vendor.vendorId)}>
                  {t('portal.services.revoke', { name: vendor.vendorName })}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </Page>
  );
}
