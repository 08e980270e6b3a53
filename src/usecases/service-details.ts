import type { ServiceRecord } from '../domain/types.js';
import type { Context } from './context.js';

/**
 * The free text of a service record, as sealed: what an interlibrary-loan request asks for, or a known
 * patron's reference question. Reading interests are confidential (CB-A2, CB-C), so it is sealed under
 * the patron's data key and goes with it when the patron is deleted (shredded).
 */
export type ServiceDetails = { title: string; author: string | null; isbn: string | null } | { question: string };

/** Seals a patron's service details under their data key (kind `service-details`). */
export function sealServiceDetails(ctx: Pick<Context, 'vault'>, patronId: string, details: ServiceDetails): Promise<string> {
  return ctx.vault.seal(patronId, 'service-details', JSON.stringify(details));
}

/** A service record with its details opened, as the patron's export and the staff listing show it. */
export type OpenedServiceRecord = Omit<ServiceRecord, 'details'> & { details: ServiceDetails | null };

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
