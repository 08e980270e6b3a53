/**
 * The policy profiles Carrel ships, by id (CLAUSES.md). The retention issue turns each into a validated
 * YAML profile; for now a library must name one of these so that work has a profile to attach to.
 */
export const SHIPPED_PROFILES = ['strict-default', 'rio-rancho-nm', 'carlsbad-nm', 'jackson-county-or', 'ridgefield-ct', 'imagineif-mt'] as const;
export type ProfileId = (typeof SHIPPED_PROFILES)[number];

export const DEFAULT_PROFILE: ProfileId = 'strict-default';

export function isKnownProfile(id: string): id is ProfileId {
  return (SHIPPED_PROFILES as readonly string[]).includes(id);
}
