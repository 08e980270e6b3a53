import { useLoad } from '../ui/components';
import type { PublishedPolicy } from './types';

/**
 * The library's published privacy policy as JSON (public, no session, no personal data: the URL names
 * only the library). The portal quotes it so that what it says about each category, and about what a
 * guardian sees, is the library's own published words. A failure leaves the portal working without it.
 */
async function loadPolicy(libraryId: string): Promise<PublishedPolicy> {
  const response = await fetch(`/libraries/${encodeURIComponent(libraryId)}/privacy-policy?format=json`, {
    headers: { accept: 'application/json' },
    credentials: 'same-origin',
    cache: 'no-store',
  });
  if (!response.ok) throw new Error('The library’s published policy could not be loaded.');
  return (await response.json()) as PublishedPolicy;
}

export function usePolicy(libraryId: string | null | undefined) {
  return useLoad(() => (libraryId ? loadPolicy(libraryId) : Promise.reject(new Error('No library.'))), [libraryId]);
}
