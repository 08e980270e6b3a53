import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildLibrary, buildPatron, refusalCodes, world, type World } from '../../test/factories.js';
import type { Actor } from '../policy/actors.js';
import { translator } from '../i18n/messages.js';
import { aggregateRequests, band } from '../policy/transparency.policy.js';
import { recordComplaint } from './complaint.usecases.js';
import { placeLegalHold, releaseLegalHold } from './legal-hold.usecases.js';
import { reportMarkdown, transparencyReport } from './transparency.usecases.js';

const NOW = '2026-07-15T12:00:00.000Z';

describe('transparency policy', () => {
  it('bands counts 0–249, 250–499, …', () => {
    expect([band(0), band(1), band(249), band(250), band(600)]).toEqual(['0–249', '0–249', '0–249', '250–499', '500–749']);
  });

  it('JC-II: a gagged request changes no exact number, only the band', () => {
    const open = [{ instrument: 'subpoena', status: 'released', gagUntil: null }];
    const gag = { instrument: 'subpoena', status: 'released', gagUntil: '2027-01-01T00:00:00Z' };
    const without = aggregateRequests(open, new Date(NOW));
    const withGag = aggregateRequests([...open, gag], new Date(NOW));
    expect(withGag.byInstrument).toEqual(without.byInstrument);
    expect(withGag.ungaggedTotal).toBe(without.ungaggedTotal);
    expect(withGag.gagged.band).toBe('0–249');
    // Once the gag has expired, the request is counted like any other
    expect(aggregateRequests([...open, gag], new Date('2027-02-01T00:00:00Z')).ungaggedTotal).toBe(2);
  });
});

describe.each(ENGINES)('transparency report on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let libraryId: string;

  beforeAll(async () => {
    database = await freshDatabase(engine);
    w = await world(database, '2026-04-01T12:00:00.000Z');
    libraryId = (await buildLibrary(w, { profileId: 'jackson-county-or', timeZone: 'UTC' })).library.id;
  });
  afterAll(() => database.drop());

  const director = (): Actor => ({ kind: 'staff', id: 'director-t', libraryId, roles: ['director'] });
  /** A legal request as the register would hold it (written directly: only the columns the report reads matter). */
  const request = async (instrument: string, status: string, receivedAt: string, gagUntil: string | null = null) => {
    const id = randomUUID();
    await database.db
      .insertInto('legal_requests')
      .values({
        id,
        library_id: libraryId,
        received_at: receivedAt,
        received_by: 'system',
        agency: 'Sealed agency',
        officer_name: 'Officer',
        officer_id: 'badge',
        instrument,
        case_number: null,
        scope_categories: '["circulation"]',
        scope_from: null,
        scope_to: null,
        status,
        gag_until: gagUntil,
        created_at: receivedAt,
      } as never)
      .execute();
    return id;
  };

  it('counts requests by instrument and outcome, shows gagged ones only in a band that no printed number reveals, and counts holds and complaints', async () => {
    // Given requests received in the second quarter, one of them under a gag order until next year
    await request('subpoena', 'released', '2026-04-02T10:00:00Z');
    await request('subpoena', 'refused', '2026-04-03T10:00:00Z');
    await request('court-order', 'referred', '2026-05-01T10:00:00Z');
    await request('informal-request', 'withdrawn', '2026-06-30T23:00:00Z');
    const gagged = await request('fisa-or-nsl', 'released', '2026-05-05T10:00:00Z', '2027-05-05T00:00:00Z');
    await request('court-order', 'released', '2026-03-31T23:59:59Z'); // the quarter before
    // And a hold placed for the gagged request, another placed and released, and a complaint
    const patron = await buildPatron(w, { libraryId });
    w.clock.set('2026-05-06T00:00:00Z');
    await w.act(placeLegalHold, { patrons: [{ patronId: patron.id }], categories: ['circulation'], reason: 'NSL', requestId: gagged }, { actor: director() });
    const open = await w.act(placeLegalHold, { patrons: [{ patronId: patron.id }], categories: ['fines'], reason: 'Preservation letter' }, { actor: director() });
    await w.act(recordComplaint, { channel: 'letter', topic: 'privacy' }, { actor: director() }); // due 2026-06-05, never answered
    w.clock.set('2026-06-01T00:00:00Z');
    await w.act(releaseLegalHold, { holdId: open.id }, { actor: director() });

    // When the director asks for the quarter's report
    w.clock.set(NOW);
    const report = await w.act(transparencyReport, { from: '2026-04-01', to: '2026-07-01' }, { actor: director() });

    // Then requests not under a gag are counted by instrument and outcome
    const line = (instrument: string) => report.requests.byInstrument.find((l) => l.instrument === instrument);
    expect(line('subpoena')).toMatchObject({ released: 1, refused: 1, pending: 0, withdrawn: 0, total: 2 });
    expect(line('court-order')).toMatchObject({ pending: 1, total: 1 });
    expect(line('informal-request')).toMatchObject({ withdrawn: 1, total: 1 });
    // And the gagged request is only in the band: no instrument line, no total and no hold count includes it
    expect(line('fisa-or-nsl')).toMatchObject({ total: 0 });
    expect(report.requests.ungaggedTotal).toBe(4);
    expect(report.requests.gagged).toEqual({ band: '0–249', bandWidth: 250 });
    expect(report.legalHolds).toEqual({ placed: 1, released: 1, liveAtEnd: 0 });
    expect(report.complaints).toEqual({ received: 1, answered: 0, overdue: 1 });
    expect(JSON.stringify(report)).not.toMatch(/"total":5|Sealed agency|Officer|badge/);

    // And the Markdown says the same numbers
    const md = reportMarkdown(report, translator('en'));
    expect(md).toContain('| subpoena | 1 | 1 | 0 | 0 | 2 |');
    expect(md).toContain('| **all (not under a gag order)** | 1 | 1 | 1 | 1 | 4 |');
    expect(md).toContain('**0–249**');
    expect(md).toContain('Placed in the period: 1. Released in the period: 1. In force at its end: 0.');
    expect(md).toContain('Received: 1. Answered: 0. Not answered by their due date: 1.');
    expect(md).not.toMatch(/\b5\b/);

    // And in Spanish, the same numbers in the library's words
    const es = reportMarkdown(report, translator('es'));
    expect(es).toContain('| citación judicial | 1 | 1 | 0 | 0 | 2 |');
    expect(es).toContain('| **todas (sin orden de confidencialidad)** | 1 | 1 | 1 | 1 | 4 |');
    expect(es).toContain('Impuestas en el periodo: 1. Levantadas en el periodo: 1. Vigentes al final del periodo: 0.');
    expect(es).toContain('Recibidas: 1. Contestadas: 0. Sin contestar en el plazo: 1.');
    expect(es).not.toMatch(/Received|Placed in|subpoena/);

    // And once the gag has expired, the request is counted like the others
    w.clock.set('2027-06-01T00:00:00Z');
    const later = await w.act(transparencyReport, { from: '2026-04-01', to: '2026-07-01' }, { actor: director() });
    expect(later.requests.ungaggedTotal).toBe(5);
    expect(later.legalHolds.placed).toBe(2);
  });

  it('refuses a bad period and a clerk', async () => {
    expect(await refusalCodes(w.act(transparencyReport, { from: '2026-07-01', to: '2026-04-01' }, { actor: director() }))).toEqual(['INVALID_DATE']);
    expect(await refusalCodes(w.act(transparencyReport, { from: '2026-02-30', to: '2026-04-01' }, { actor: director() }))).toEqual(['INVALID_DATE']);
    const clerk: Actor = { kind: 'staff', id: 'clerk-t', libraryId, roles: ['circulation'] };
    expect(await refusalCodes(w.act(transparencyReport, { from: '2026-04-01', to: '2026-07-01' }, { actor: clerk }))).toEqual(['PERMISSION_DENIED']);
  });
});
