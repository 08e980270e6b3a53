/**
 * What a vendor signing a patron in may learn (issue 19). Every vendor receives its own pseudonym for the
 * patron and the patron's library: the fact of a patron in good standing (RF-6). A claim beyond those is
 * released only when three agree: the vendor's contract names it, the library's profile allows it
 * (`access.vendors.consented_claims`; silent: none), and the patron consented to it, unrevoked.
 * Ridgefield (RF-6) allows none, whatever the contract or the patron says.
 */
import type { Profile } from '../domain/profile.js';
import { EXTRA_CLAIMS, type ExtraClaim } from '../domain/vendors.js';

/** The claims a profile lets a contract add with the patron's consent, and the clause that says so. */
export function claimsTheProfileAllows(profile: Pick<Profile, 'access'>): { claims: ExtraClaim[]; clause: string } {
  const rule = profile.access.vendors;
  return { claims: [...(rule?.consentedClaims ?? [])], clause: rule?.clause ?? 'RF-6' };
}

function within(claims: readonly ExtraClaim[], ...bounds: (readonly ExtraClaim[])[]): ExtraClaim[] {
  return EXTRA_CLAIMS.filter((c) => claims.includes(c) && bounds.every((b) => b.includes(c)));
}

/** The claims a vendor receives now: the contract's, within the profile's, that the patron consented to. */
export function releasedClaims(contract: readonly ExtraClaim[], allowed: readonly ExtraClaim[], consented: readonly ExtraClaim[]): ExtraClaim[] {
  return within(contract, allowed, consented);
}

/**
 * The claims the consent page asks about: the contract's, within the profile's, not yet answered (agreed
 * to or declined). A patron who said no is not asked again at every sign-in; revoking the vendor in the
 * portal forgets both answers.
 */
export function claimsToAsk(contract: readonly ExtraClaim[], allowed: readonly ExtraClaim[], answered: readonly ExtraClaim[]): ExtraClaim[] {
  return within(contract, allowed).filter((c) => !answered.includes(c));
}

/** The contract's claims the profile withholds from every patron (shown to administrators with the clause). */
export function claimsWithheld(contract: readonly ExtraClaim[], allowed: readonly ExtraClaim[]): ExtraClaim[] {
  return EXTRA_CLAIMS.filter((c) => contract.includes(c) && !allowed.includes(c));
}

/**
 * Whether an EZproxy instance may be sent a group for the patron's category. EZproxy asks no consent, so
 * a group is an attribute given without one: allowed only where the profile lets vendors receive the
 * category or age band unasked (`access.vendors.attributes`, as for SIP2 authentication clients). Every
 * shipped profile says none (RF-6, CB-D, IF-9): the ticket then carries the pseudonym alone.
 */
export function ezproxyGroupsAllowed(profile: Pick<Profile, 'access'>): { allowed: boolean; clause: string } {
  const rule = profile.access.vendors;
  return { allowed: rule?.attributes === 'category-or-age-band', clause: rule?.clause ?? 'RF-6' };
}
