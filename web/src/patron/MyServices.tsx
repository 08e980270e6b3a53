import { useState } from 'react';
import type { MyVendor } from '../../../src/http/schemas/vendors';
import type { ExtraClaim } from '../../../src/domain/vendor-terms';
import { vendorsApi } from '../api';
import { day, ErrorMessage, Page, useAction, useLoad } from '../ui/components';

/** What a service may receive, in the patron's words. */
const CLAIM_WORDS: Record<ExtraClaim, string> = {
  category: 'your patron category',
  age_band: 'your age band (child, teen or adult)',
  name: 'your name',
  email: 'your email address',
};

/** What the patron agreed a service may receive, in a sentence. */
function shares(vendor: MyVendor): string {
  if (vendor.consentedClaims.length === 0) return 'Only that you are a patron of the library';
  return `That you are a patron, and ${vendor.consentedClaims.map((c) => CLAIM_WORDS[c] ?? c).join(', ')}`;
}

/**
 * `/me/services`: the e-content services, databases and proxies the patron signed in to with their card
 * (GET /me/vendors), when first and last, and what they agreed each may receive (RF-6, CB-D, IF-9). Each
 * can be revoked, after a question: Carrel forgets that the patron used it and what they agreed to, and
 * the sign-in the service holds stops working (DELETE /me/vendors/:id).
 */
export function MyServices() {
  const services = useLoad(() => vendorsApi.mine(), []);
  const action = useAction();
  const [said, setSaid] = useState('');
  const [confirming, setConfirming] = useState<string | null>(null);

  const revoke = async (vendor: MyVendor) => {
    const done = await action.run(async () => {
      await vendorsApi.revokeMine(vendor.vendorId);
      return true;
    });
    if (done) setSaid(`Revoked ${vendor.vendorName}. If you sign in to it again, you will be asked again what it may receive.`);
    setConfirming(null);
    services.reload();
  };

  const list = services.data?.vendors ?? [];
  return (
    <Page title="Services you sign in to">
      <p>
        The e-books, databases and other services you signed in to with your library card. Each learns that you are a patron of the library, under a name of its own for you that no
        other service shares: never your card number. It learns more only if you agreed to it when you signed in, and only what the library’s policy allows.
      </p>
      {services.loading && !services.data && <p className="loading">Loading…</p>}
      <ErrorMessage error={services.error} />
      <ErrorMessage error={action.error} />
      <p aria-live="polite" className="portal-said">
        {said}
      </p>
      {services.data && list.length === 0 && <p className="portal-empty">You have not signed in to any service through the library.</p>}
      {list.length > 0 && (
        <ul className="portal-list" aria-label="Services you sign in to">
          {list.map((vendor) => (
            <li key={vendor.vendorId}>
              <p className="portal-item-title">{vendor.vendorName}</p>
              <dl className="portal-facts">
                <dt>First signed in</dt>
                <dd>{day(vendor.firstAt)}</dd>
                <dt>Last signed in</dt>
                <dd>{day(vendor.lastAt)}</dd>
                <dt>What it may know</dt>
                <dd>{shares(vendor)}</dd>
                {vendor.consentedAt && (
                  <>
                    <dt>You agreed</dt>
                    <dd>{day(vendor.consentedAt)}</dd>
                  </>
                )}
              </dl>
              {confirming === vendor.vendorId ? (
                <div role="group" aria-label={`Revoke ${vendor.vendorName}?`}>
                  <p>
                    Revoke {vendor.vendorName}? The library forgets that you used it and what you agreed it may receive, and your sign-in there stops working. What the service itself
                    kept is its own; ask it to delete your account if you no longer use it.
                  </p>
                  <button type="button" className="danger" onClick={() => void revoke(vendor)} disabled={action.busy}>
                    Yes, revoke {vendor.vendorName}
                  </button>
                  <button type="button" onClick={() => setConfirming(null)}>
                    Keep it
                  </button>
                </div>
              ) : (
                <button type="button" onClick={() => setConfirming(vendor.vendorId)}>
                  Revoke {vendor.vendorName}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </Page>
  );
}
