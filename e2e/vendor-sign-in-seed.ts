import { createServer } from 'node:net';
import { join } from 'node:path';

/**
 * A library of its own for the vendors' sign-in journey (e2e/vendor-sign-in.spec.ts): under Carlsbad's
 * profile, which lets a vendor's contract ask for a patron's category or email with their consent (CB-D);
 * one patron; one OpenID vendor whose contract names both, its redirect address on a port kept free for
 * the example relying party (examples/oidc-relying-party.mjs) the spec starts.
 */
export interface VendorSeed {
  libraryId: string;
  patron: { cardNumber: string; pin: string };
  vendor: { id: string; secret: string; port: number };
}

/** A port nothing listens on now (the example relying party takes it later). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export async function seedVendorLibrary(runtime: object, dist: string): Promise<VendorSeed> {
  const { SYSTEM } = await import(join(dist, 'policy', 'actors.js'));
  const { run } = await import(join(dist, 'usecases', 'context.js'));
  const { createLibrary } = await import(join(dist, 'usecases', 'library.usecases.js'));
  const { registerPatron } = await import(join(dist, 'usecases', 'patron.usecases.js'));
  const { createVendor } = await import(join(dist, 'usecases', 'vendor.usecases.js'));
  const caller = { actor: SYSTEM, purpose: 'administration', channel: 'cli' };
  const act = <O>(useCase: unknown, input: unknown): Promise<O> => run(runtime, caller, useCase, input);

  const libraryId = 'vendor-sign-in';
  await act(createLibrary, { id: libraryId, name: 'Sign-in Test Library', profileId: 'carlsbad-nm', timeZone: 'America/Denver' });
  const patron = await act<{ cardNumber: string; pin: string }>(registerPatron, { libraryId, name: 'Vera Signin', birthDate: '1990-04-02', email: 'vera.signin@example.org' });
  const port = await freePort();
  const { vendor, secret } = await act<{ vendor: { id: string }; secret: string }>(createVendor, {
    libraryId,
    protocol: 'oidc',
    name: 'Lantern E-books',
    redirectUris: [`http://127.0.0.1:${port}/callback`],
    claims: ['category', 'email'],
  });
  return { libraryId, patron: { cardNumber: patron.cardNumber, pin: patron.pin }, vendor: { id: vendor.id, secret, port } };
}
