import { t, useLanguage } from '../i18n';
import { useLoad } from '../ui/components';
import type { PublishedPolicy } from './types';

/**
 * The library's published privacy policy as JSON (public, no session, no personal data: the URL names
 * only the library). The portal quotes it so that what it says about each category, and about what a
 * guardian sees, is the library's own published words, in the page's language. A failure leaves the
 * portal working without it.
 */
async function loadPolicy(libraryId: string, language: string): Promise<PublishedPolicy> {
  const response = await fetch(`/libraries/${encodeURIComponent(libraryId)}/privacy-policy?format=json&lang=${encodeURIComponent(language)}`, {
    headers: { accept: 'application/json' },
    credentials: 'same-origin',
    cache: 'no-store',
  });
  if (!response.ok) throw new Error(t('account.policy.notLoaded'));
  return (await response.json()) as PublishedPolicy;
}

/** The policy in the page's language, read again when the language changes. */
export function usePolicy(libraryId: string | null | undefined) {
  const { language } = useLanguage();
  return useLoad(() => (libraryId ? loadPolicy(libraryId, language) : Promise.reject(new Error(t('account.policy.notLoaded')))), [libraryId, language]);
}
