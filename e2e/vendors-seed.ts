import { join } from 'node:path';

/**
 * A library of its own for the vendors journey (e2e/vendors.spec.ts), under Carlsbad's policy (a contract
 * may add a claim with the patron's consent, CB-D): a patron who signed in to an e-audiobook service
 * three weeks ago and again two days ago, agreeing that it may know their patron category (not their
 * email address, which its contract also names), and to the journals proxy once, which knows only that
 * they are a patron. Replayed through the real use cases (recordVendorSignIn, recordVendorConsent) on a
 * clock set in the past, as the other seeds do.
 */
export interface VendorsSeed {
  libraryId: string;
  patron: { cardNumber: string; pin: string };
  vendors: { audiobooks: string; journals: string };
}

export const VENDORS_LIBRARY_ID = 'vendors-sign-on';

export async function seedVendorsLibrary(runtime: { clock: unknown }, dist: string): Promise<VendorsSeed> {
  const { ManualClock } = await import(join(dist, 'domain', 'clock.js'));
  const { SYSTEM } = await import(join(dist, 'policy', 'actors.js'));
  const { run } = await import(join(dist, 'usecases', 'context.js'));
  const { createLibrary } = await import(join(dist, 'usecases', 'library.usecases.js'));
  const { registerPatron } = await import(join(dist, 'usecases', 'patron.usecases.js'));
  const { createVendor } = await import(join(dist, 'usecases', 'vendor.usecases.js'));
  const { recordVendorConsent, recordVendorSignIn } = await import(join(dist, 'usecases', 'vendor-sign-in.usecases.js'));

  const DAY = 86_400_000;
  const clock = new ManualClock(new Date(Date.now() - 21 * DAY));
  const caller = { actor: SYSTEM, purpose: 'administration', channel: 'cli' };
  const act = <O>(useCase: unknown, input: unknown): Promise<O> => run({ ...runtime, clock }, caller, useCase, input);

  const libraryId = VENDORS_LIBRARY_ID;
  await act(createLibrary, { id: libraryId, name: 'Sign-on Test Library', profileId: 'carlsbad-nm', timeZone: 'America/Denver', branches: [{ code: 'main', name: 'Main Library' }] });
  const vendors = { audiobooks: 'Quillstream Audiobooks', journals: 'Tidewater Journals Proxy' };
  type Made = { vendor: { id: string } };
  const audiobooks = await act<Made>(createVendor, { libraryId, protocol: 'oidc', name: vendors.audiobooks, redirectUris: ['https://audiobooks.example.com/callback'], claims: ['category', 'email'] });
  const journals = await act<Made>(createVendor, { libraryId, protocol: 'ezproxy', name: vendors.journals, loginUrl: 'https://ezproxy.example.org/login' });
  const year = new Date().getUTCFullYear();
  const patron = await act<{ id: string; cardNumber: string; pin: string }>(registerPatron, { libraryId, name: 'Vera Signon', birthDate: `${year - 40}-02-02` });

  await act(recordVendorSignIn, { patronId: patron.id, vendorId: audiobooks.vendor.id });
  await act(recordVendorConsent, { patronId: patron.id, vendorId: audiobooks.vendor.id, claims: ['category'] });
  clock.set(new Date(Date.now() - 10 * DAY));
  await act(recordVendorSignIn, { patronId: patron.id, vendorId: journals.vendor.id });
  clock.set(new Date(Date.now() - 2 * DAY));
  await act(recordVendorSignIn, { patronId: patron.id, vendorId: audiobooks.vendor.id });
  return { libraryId, patron: { cardNumber: patron.cardNumber, pin: patron.pin }, vendors };
}
