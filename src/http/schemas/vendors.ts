/**
 * E-content vendors and single sign-on (issue 19): the vendors a library's administrators keep
 * (`library.administer`), OpenID Connect clients and EZproxy instances, and a patron's own list of the
 * vendors they signed in to, each revocable. The routes' JSON Schemas (shown in /openapi.json); the web
 * app reads their static types. Imports only typebox and src/domain.
 *
 * What a vendor may be sent is checked by the use cases (one host of https redirect addresses, the
 * claims a contract may name, an EZproxy login address ending in /login), so a bad setting answers
 * VALIDATION_FAILED naming its field over every transport: the request bodies here say only what type
 * each field is. A vendor's secret is in the answer of its creation and of a reset, once, and nowhere
 * else (Carrel keeps it sealed).
 */
import { Type, type Static } from 'typebox';
import { EXTRA_CLAIMS, EZPROXY_DIGESTS, VENDOR_PROTOCOLS } from '../../domain/vendor-terms.js';
import { forbiddableResponses, Id, Instant, LibraryId, Nullable } from './common.js';

const TAG = ['Vendors'];

const Claim = Type.Enum(EXTRA_CLAIMS, { description: 'A claim beyond `sub` and `library`: the patron’s category, age band, name or email address.' });
const Protocol = Type.Enum(VENDOR_PROTOCOLS, { description: 'oidc: an OpenID Connect client; ezproxy: an EZproxy instance signing patrons in with a ticket.' });

const common = {
  id: Id,
  libraryId: Type.String(),
  name: Type.String(),
  disabled: Type.Boolean({ description: 'A disabled vendor signs no one in; tokens it holds stop working at their next use.' }),
  createdAt: Instant,
  withheldClaims: Type.Array(Claim, { description: 'The contract’s claims the library’s profile never releases, whatever the patron agrees to.' }),
  clause: Type.String({ description: 'The clause of the profile’s rule on vendors (RF-6, CB-D, IF-9).' }),
};

export const OidcVendorView = Type.Object({
  ...common,
  protocol: Type.Literal('oidc'),
  redirectUris: Type.Array(Type.String(), { description: 'Where the vendor receives authorisation codes: exact addresses on one host.' }),
  claims: Type.Array(Claim, { description: 'The claims its contract adds; each still needs the profile’s leave and the patron’s consent.' }),
});

export const EzproxyVendorView = Type.Object({
  ...common,
  protocol: Type.Literal('ezproxy'),
  loginUrl: Type.String({ description: 'The EZproxy server’s login address.' }),
  digest: Type.Enum(EZPROXY_DIGESTS, { description: 'The digest the instance’s ::Ticket block names.' }),
  groups: Type.Record(Type.String(), Type.String(), { description: 'Patron category code → EZproxy group.' }),
});

/** A vendor as its library's administrators see it: never its secret. */
export const VendorView = Type.Union([OidcVendorView, EzproxyVendorView]);
export type VendorView = Static<typeof VendorView>;

export const VendorList = Type.Object({
  vendors: Type.Array(VendorView),
  allowedClaims: Type.Array(Claim, { description: 'The claims the library’s profile lets a contract add, with the patron’s consent (none: only the fact of being a patron).' }),
  clause: Type.String({ description: 'The clause of the profile’s rule on vendors.' }),
});
export type VendorList = Static<typeof VendorList>;

/** A vendor and its generated secret, answered once. */
export const VendorWithSecret = Type.Object({
  vendor: VendorView,
  secret: Type.String({
    description: 'The generated secret, shown this once: the OpenID client’s secret (its client id is the vendor’s id), or the shared secret of the EZproxy ::Ticket block. Carrel keeps it sealed and never shows it again.',
  }),
});
export type VendorWithSecret = Static<typeof VendorWithSecret>;

/** The settings a request may give; each left out keeps its value. */
const settings = {
  name: Type.Optional(Type.String({ maxLength: 200, description: 'A name administrators and patrons recognise (the consent page shows it).' })),
  redirectUris: Type.Optional(Type.Array(Type.String({ maxLength: 2000 }), { maxItems: 20, description: 'OpenID Connect: 1 to 10 https addresses on one host (http only on this machine).' })),
  claims: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 16, description: `OpenID Connect: the claims the contract adds (${EXTRA_CLAIMS.join(', ')}).` })),
  loginUrl: Type.Optional(Type.String({ maxLength: 2000, description: 'EZproxy: its login address, https://… ending in /login.' })),
  digest: Type.Optional(Type.String({ maxLength: 16, description: `EZproxy: ${EZPROXY_DIGESTS.join(', ')} (default SHA256).` })),
  groups: Type.Optional(Type.Record(Type.String({ maxLength: 40 }), Type.String({ maxLength: 60 }), { maxProperties: 64, description: 'EZproxy: patron category code → group.' })),
};

const LibraryParams = Type.Object({ libraryId: LibraryId });
const VendorParams = Type.Object({ libraryId: LibraryId, vendorId: Id });

/** GET /api/v1/libraries/:libraryId/vendors */
export const ListVendorsRoute = {
  tags: TAG,
  summary: 'The library’s vendors (no secrets), and the claims its profile lets a contract add',
  params: LibraryParams,
  response: { 200: VendorList, ...forbiddableResponses },
};

/** POST /api/v1/libraries/:libraryId/vendors */
export const CreateVendorRoute = {
  tags: TAG,
  summary: 'Register a vendor; its generated secret is in the answer, once',
  description: 'An OpenID Connect vendor’s client id is its id. It receives `sub` (its own pseudonym for the patron) and `library`, and a claim of its contract only where the profile allows it and the patron consented (RF-6, CB-D, IF-9).',
  params: LibraryParams,
  body: Type.Object({ protocol: Type.String({ maxLength: 16, description: VENDOR_PROTOCOLS.join(' or ') }), ...settings, name: Type.String({ maxLength: 200 }) }, { additionalProperties: false }),
  response: { 201: VendorWithSecret, ...forbiddableResponses },
};

/** PATCH /api/v1/libraries/:libraryId/vendors/:vendorId */
export const UpdateVendorRoute = {
  tags: TAG,
  summary: 'Change a vendor’s name or settings; what is left out stays',
  params: VendorParams,
  body: Type.Object(settings, { additionalProperties: false }),
  response: { 200: Type.Object({ vendor: VendorView }), ...forbiddableResponses },
};

/** POST /api/v1/libraries/:libraryId/vendors/:vendorId/disable */
export const DisableVendorRoute = {
  tags: TAG,
  summary: 'Stop a vendor signing patrons in; tokens it holds stop working at their next use',
  params: VendorParams,
  response: { 200: Type.Object({ vendor: VendorView }), ...forbiddableResponses },
};

/** POST /api/v1/libraries/:libraryId/vendors/:vendorId/enable */
export const EnableVendorRoute = {
  tags: TAG,
  summary: 'Let a disabled vendor sign patrons in again',
  params: VendorParams,
  response: { 200: Type.Object({ vendor: VendorView }), ...forbiddableResponses },
};

/** POST /api/v1/libraries/:libraryId/vendors/:vendorId/reset-secret */
export const ResetVendorSecretRoute = {
  tags: TAG,
  summary: 'A new generated secret for a vendor (shown once); the old one stops working',
  params: VendorParams,
  response: { 200: VendorWithSecret, ...forbiddableResponses },
};

/** A vendor a patron signed in to, as the patron sees it. */
export const MyVendor = Type.Object({
  vendorId: Id,
  vendorName: Type.String(),
  protocol: Protocol,
  firstAt: Instant,
  lastAt: Instant,
  consentedClaims: Type.Array(Claim, { description: 'What the patron agreed it may receive; empty: only that they are a patron.' }),
  declinedClaims: Type.Array(Claim, { description: 'What the patron declined when asked; not asked again until they revoke the vendor.' }),
  consentedAt: Nullable(Instant),
});
export type MyVendor = Static<typeof MyVendor>;

/** GET /api/v1/me/vendors */
export const MyVendorsRoute = {
  tags: ['self-service', ...TAG],
  summary: 'The services I signed in to through the library, when, and what I agreed each may receive',
  response: { 200: Type.Object({ vendors: Type.Array(MyVendor) }), ...forbiddableResponses },
};

/** DELETE /api/v1/me/vendors/:vendorId */
export const RevokeMyVendorRoute = {
  tags: ['self-service', ...TAG],
  summary: 'Revoke a service: forget that I used it and what I agreed to, and end every token it holds for me',
  description: 'The next sign-in to the service starts afresh and asks consent again. A service I have not signed in to answers 404 VENDOR_NOT_FOUND.',
  params: Type.Object({ vendorId: Id }),
  response: { 204: Type.Null(), ...forbiddableResponses },
};

/** What registering a vendor sends (the web app's form builds it). */
export type CreateVendorBody = Static<typeof CreateVendorRoute.body>;
/** What changing a vendor sends. */
export type UpdateVendorBody = Static<typeof UpdateVendorRoute.body>;
