import type { OpenedServiceRecord, ServiceDetails, ServiceRecord } from '../domain/types.js';
import type { Context } from './context.js';

/** The sealed free text of a service record, and a record with it opened: declared in domain/types.ts. */
export type { OpenedServiceRecord, ServiceDetails } from '../domain/types.js';

/** Seals a patron's service details under their data key (kind `service-details`). */
export function sealServiceDetails(ctx: Pick<Context, 'vault'>, patronId: string, details: ServiceDetails): Promise<string> {
  return ctx.vault.seal(patronId, 'service-details', JSON.stringify(details));
}

/**
 * Opens the sealed details of service records. Only records of a patron carry details (an anonymous or
 * guest-pass record never has any), so each is opened under its own patron's key.
 */
export async function openServiceRecords(ctx: Pick<Context, 'vault'>, records: readonly ServiceRecord[]): Promise<OpenedServiceRecord[]> {
  return Promise.all(
    records.map(async (r) => ({
      ...r,
      details: r.details === null || r.patronId === null ? null : (JSON.parse(await ctx.vault.open(r.patronId, 'service-details', r.details)) as ServiceDetails),
    })),
  );
}
