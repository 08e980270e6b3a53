import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translator } from '../i18n/messages.js';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildItem, buildLibrary, buildPatron, refusalCodes, world, type World } from '../../test/factories.js';
import { SYSTEM } from '../policy/actors.js';
import { auditQuestions, type AuditReport } from '../report/audit-report.js';
import { profiles, SHIPPED_PROFILES, shippedProfilesDir } from '../profile/profiles.js';
import { auditReportHtml } from '../report/audit-report.html.js';
import { auditReportMarkdown } from '../report/audit-report.md.js';
import { checkin, checkout } from '../usecases/circulation.usecases.js';
import type { Caller } from '../usecases/context.js';
import { pay } from '../usecases/fine.usecases.js';
import { placeHold } from '../usecases/hold.usecases.js';
import { createBackup } from '../usecases/backup.usecases.js';
import { confirmDisposal } from '../usecases/record-series.usecases.js';
import { endComputerSession, startComputerSession } from '../usecases/service-record.usecases.js';
import { createStaff } from '../usecases/staff.usecases.js';
import { auditReport } from './audit-report.job.js';
import { runRetention } from './retention.job.js';

const en = translator('en');

// An operator's copy of imagineif-mt that keeps settled fines 400 days instead of 90 (CARREL_PROFILES_DIR),
// loaded before anything reads the profiles, as `carrel start` would load it.
const profilesDir = mkdtempSync(join(tmpdir(), 'carrel-audit-profiles-'));
writeFileSync(
  join(profilesDir, 'audit-variant-mt.yaml'),
  readFileSync(join(shippedProfilesDir(), 'imagineif-mt.yaml'), 'utf8').replace(/^id: imagineif-mt$/m, 'id: audit-variant-mt').replace('days_after_settlement: 90', 'days_after_settlement: 400'),
);
const savedProfilesDir = process.env.CARREL_PROFILES_DIR;
process.env.CARREL_PROFILES_DIR = profilesDir;
profiles();
if (savedProfilesDir === undefined) delete process.env.CARREL_PROFILES_DIR;
else process.env.CARREL_PROFILES_DIR = savedProfilesDir;

const OPERATOR: Caller = { actor: SYSTEM, purpose: 'administration', channel: 'cli' };

/** What must never appear in any rendering: the scripted library's personal data and identifiers. */
interface Secrets {
  values: string[];
}

let counter = 0;

/**
 * A small library under `profileId`: three patrons, two loans returned (one late, its fine paid), one
 * still out with a hold on it, a public-computer session.
 */
async function scriptedLibrary(w: World, profileId: string) {
  const tag = `${profileId.replace(/-/g, '')}${counter++}`;
  const { library, branch } = await buildLibrary(w, { profileId, name: `Audit ${profileId}` });
  const secrets: Secrets = { values: [] };
  const patrons = [];
  for (const n of [1, 2, 3]) {
    const details = { name: `Zebulon Quixote${tag}${n}`, email: `zq.${tag}${n}@example.org`, phone: `+1 505 555 01${n}${n}`, address: `${n} Juniper Lane ${tag}` };
    const patron = await buildPatron(w, { libraryId: library.id, ...details });
    secrets.values.push(details.name, details.email, details.phone, details.address, patron.cardNumber, patron.id);
    patrons.push(patron);
  }
  const items = [];
  for (const n of [1, 2, 3]) {
    const item = await buildItem(w, { libraryId: library.id, title: `The Secret Garden of ${tag}${n}` });
    secrets.values.push(item.title, item.barcode, item.id);
    items.push(item);
  }
  const [p1, p2, p3] = patrons as [(typeof patrons)[number], (typeof patrons)[number], (typeof patrons)[number]];
  const [i1, i2, i3] = items as [(typeof items)[number], (typeof items)[number], (typeof items)[number]];
  await w.act(checkout, { cardNumber: p1.cardNumber, itemBarcode: i1.barcode });
  await w.act(checkout, { cardNumber: p2.cardNumber, itemBarcode: i2.barcode });
  await w.act(checkout, { cardNumber: p3.cardNumber, itemBarcode: i3.barcode });
  await w.act(placeHold, { cardNumber: p1.cardNumber, itemBarcode: i3.barcode });
  const session = await w.act(startComputerSession, { cardNumber: p1.cardNumber, branch: branch.code, station: 'PC-01' });
  w.clock.advanceMinutes(45);
  await w.act(endComputerSession, { sessionId: session.id });
  w.clock.advanceDays(1);
  await w.act(checkin, { itemBarcode: i1.barcode });
  // 21-day loans at 25¢ a day: returned 10 days late.
  w.clock.advanceDays(30);
  await w.act(checkin, { itemBarcode: i2.barcode });
  await w.act(pay, { cardNumber: p2.cardNumber, amountCents: 250 });
  return { library, branch, patrons, items, secrets };
}

/** Every reference a page could make to something outside itself. */
function externalReferences(html: string): string[] {
  const found: string[] = [];
  for (const pattern of [/https?:/gi, /\/\//g, /<script/gi, /<link/gi, /<img/gi, /<iframe/gi, /url\(/gi, /@import/gi, /\ssrc=/gi, /\shref=/gi])
    found.push(...(html.match(pattern) ?? []));
  return found;
}

function renderings(report: AuditReport): Record<'json' | 'md' | 'html', string> {
  return { json: JSON.stringify(report), md: auditReportMarkdown(report, en), html: auditReportHtml(report, en) };
}

const held = (report: AuditReport, category: string, label: string) => report.collected.categories.find((c) => c.id === category)?.held.find((l) => l.label === label)?.count;
const finding = (report: AuditReport, category: string) => report.findings.find((f) => f.category === category);

describe.each(ENGINES)('the privacy audit report (CB-I) on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  beforeAll(async () => {
    database = await freshDatabase(engine);
    w = await world(database);
  });
  afterAll(async () => {
    await database?.drop();
    rmSync(profilesDir, { recursive: true, force: true });
  });

  it.each(SHIPPED_PROFILES)('answers the five questions for a %s library with facts, and names no patron', async (profileId) => {
    // Given a small library under the profile, with loans, a paid fine, a hold and a computer session
    const { library, secrets } = await scriptedLibrary(w, profileId);
    // When the director's report is generated
    const report = await auditReport(w.runtime, OPERATOR, { libraryId: library.id });
    // Then it has all five sections, with counts of what is held now
    expect(report.profile.id).toBe(profileId);
    expect([report.collected.question, report.purposes.question, report.access.question, report.storage.question, report.retention.question]).toEqual(Object.values(auditQuestions(en)));
    expect(held(report, 'registration', 'patrons')).toBe(3);
    expect(held(report, 'circulation', 'loans out now')).toBe(1);
    expect(held(report, 'circulation', 'returned or lost loans still linked to a patron')).toBe(2);
    expect(held(report, 'fines', 'fines: paid')).toBe(1);
    expect(held(report, 'fines', 'payments')).toBe(1);
    expect(held(report, 'holds', 'holds: pending')).toBe(1);
    expect(held(report, 'computer-sessions', 'records: ended')).toBe(1);
    // The aggregate statistics are categories of their own, given as counts only with a band of their
    // rows: no sum of what they count (two reports would give the month under way), no exact number.
    // Registrations and loans were counted as they happened; the session not yet (the next run counts it)
    const band = (category: string) => report.collected.categories.find((c) => c.id === category)?.held.find((l) => l.label === 'rows held')?.band;
    expect([band('registration-statistics'), band('circulation-statistics'), band('service-statistics'), band('vendor-statistics')]).toEqual(['fewer than 1,000', 'fewer than 1,000', 'none', 'none']);
    for (const id of ['circulation-statistics', 'registration-statistics', 'service-statistics', 'vendor-statistics']) {
      const lines = report.collected.categories.find((c) => c.id === id)?.held ?? [];
      expect(lines[0]?.label).toMatch(/^counts only: /);
      expect(lines.every((l) => l.count === null)).toBe(true);
    }
    expect(report.collected.categories.find((c) => c.id === 'service-statistics')?.fields).toContain('minutes of public-computer use');
    // (b) purposes and clauses from the inventory; (c) roles from the role table, and the access log's counts
    expect(report.purposes.categories.find((c) => c.id === 'circulation')?.clauses).toContain('IF-3');
    expect(report.access.categories.find((c) => c.id === 'access-log')?.roles.map((r) => r.role)).toEqual(['director', 'admin']);
    expect(report.access.accessLog.total).toBeGreaterThan(0);
    expect(report.access.accessLog.byRolePurpose).toContainEqual(expect.objectContaining({ role: 'system', purpose: 'circulation' }));
    // (d) the engine, read from the engine itself
    expect(report.storage.engine.engine).toBe(engine);
    if (report.storage.engine.engine === 'sqlite') expect(report.storage.engine.secureDelete).toBe(true);
    expect(report.storage.keys.kind).toBe('env');
    // (e) the profile's rule per category
    const rule = profiles().get(profileId).retention.fines.days;
    expect(report.retention.categories.find((c) => c.id === 'fines')?.rule).toBe(`fines, fees and payments: ${rule} days after settlement`);
    for (const id of ['circulation-statistics', 'registration-statistics', 'service-statistics', 'vendor-statistics'])
      expect(report.retention.categories.find((c) => c.id === id)).toMatchObject({ rule: expect.stringContaining('no personal data'), clause: profiles().get(profileId).statistics.clause, lastRun: null, overdue: null });

    const out = renderings(report);
    for (const question of Object.values(auditQuestions(en))) {
      expect(out.md).toContain(`## ${question}`);
      expect(out.html).toContain(`>${question}</h2>`);
    }
    // No personal data or identifier of a patron or an item in any rendering
    for (const [format, text] of Object.entries(out)) for (const secret of secrets.values) expect([format, text.includes(secret)]).toEqual([format, false]);
    expect(externalReferences(out.html)).toEqual([]);
  });

  it('a category past its retention with no run since is a finding; the next run clears it (IF-3)', async () => {
    // Given an imagineif-mt library whose returned loans have waited two days for a retention run
    const { library, patrons, items } = await scriptedLibrary(w, 'imagineif-mt');
    w.clock.advanceDays(2);
    // When the report is generated
    const before = await auditReport(w.runtime, OPERATOR, { libraryId: library.id });
    // Then the loans whose link should have been broken are a finding, with the rule and the clause
    expect(finding(before, 'circulation')).toMatchObject({ kind: 'overdue-disposal', count: 2, rule: 'loans: patron–item link broken on return', clause: 'IF-3' });
    expect(before.retention.categories.find((c) => c.id === 'circulation')).toMatchObject({ overdue: 2, lastRun: null });
    expect(auditReportHtml(before, en)).toContain('<td class="finding">FINDING: 2 overdue</td>');
    expect(auditReportMarkdown(before, en)).toMatch(/- \*\*FINDING:\*\* 2 records of Current loans \(circulation\)/);

    // When the retention engine runs, and a loan is returned just before the next report
    const ran = await runRetention(w.runtime, { libraryId: library.id });
    expect(ran.libraries[0]?.categories.find((c) => c.category === 'circulation')?.disposed).toBe(2);
    await w.act(checkout, { cardNumber: patrons[0]!.cardNumber, itemBarcode: items[0]!.barcode });
    w.clock.advanceMinutes(30);
    await w.act(checkin, { itemBarcode: items[0]!.barcode });
    const after = await auditReport(w.runtime, OPERATOR, { libraryId: library.id });
    // Then nothing is overdue: the run left its receipt, and the loan returned since waits for tonight's run
    expect(finding(after, 'circulation')).toBeUndefined();
    expect(after.retention.categories.find((c) => c.id === 'circulation')).toMatchObject({ overdue: 0, lastRun: expect.objectContaining({ status: 'finished', disposed: 2 }) });
    expect(after.retention.runs).toHaveLength(1);
    expect(after.retention.runs[0]?.receipts.find((r) => r.category === 'circulation')).toMatchObject({ disposed: 2, clause: 'IF-3' });
    // With no grace, the loan returned half an hour ago is already overdue
    const strict = await auditReport(w.runtime, OPERATOR, { libraryId: library.id, graceHours: 0 });
    expect(finding(strict, 'circulation')?.count).toBe(1);
  });

  it('a year on at Carlsbad: loans, fines, computer sessions, inactive patrons and camera footage overdue are findings until run and confirmed (CB-F3, CB-H)', async () => {
    const { library } = await scriptedLibrary(w, 'carlsbad-nm');
    w.clock.advanceDays(400);
    const before = await auditReport(w.runtime, OPERATOR, { libraryId: library.id });
    expect(before.findings.map((f) => f.category).sort()).toEqual(['circulation', 'computer-sessions', 'fines', 'registration', 'security-camera']);
    expect(finding(before, 'circulation')).toMatchObject({ count: 2, clause: 'CB-F3', rule: 'loans: patron–item link kept 12 months after return' });
    expect(finding(before, 'security-camera')).toMatchObject({ kind: 'record-series-overdue', clause: 'CB-H', count: null });

    await runRetention(w.runtime, { libraryId: library.id });
    const ran = await auditReport(w.runtime, OPERATOR, { libraryId: library.id });
    expect(ran.findings.map((f) => f.category)).toEqual(['security-camera']);
    await w.act(confirmDisposal, { libraryId: library.id, code: 'security-camera', disposedThrough: w.clock.now().toISOString(), method: 'overwritten by the recorder' });
    const confirmed = await auditReport(w.runtime, OPERATOR, { libraryId: library.id });
    expect(confirmed.findings).toEqual([]);
    expect(confirmed.retention.externalRecords[0]).toMatchObject({ code: 'security-camera', due: false, lastDisposal: expect.objectContaining({ method: 'overwritten by the recorder' }) });
    expect(JSON.stringify(confirmed)).not.toContain('confirmedBy');
  });

  it('changing a retention rule in the profile changes the report: the rule and what is overdue', async () => {
    // Given two libraries scripted alike, one under imagineif-mt (settled fines 90 days), one under an
    // operator's copy that keeps them 400 days, 100 days after the fine was paid
    const shipped = await scriptedLibrary(w, 'imagineif-mt');
    const variant = await scriptedLibrary(w, 'audit-variant-mt');
    w.clock.advanceDays(100);
    const a = await auditReport(w.runtime, OPERATOR, { libraryId: shipped.library.id });
    const b = await auditReport(w.runtime, OPERATOR, { libraryId: variant.library.id });
    const fines = (r: AuditReport) => r.retention.categories.find((c) => c.id === 'fines');
    expect(fines(a)?.rule).toBe('fines, fees and payments: 90 days after settlement');
    expect(fines(b)?.rule).toBe('fines, fees and payments: 400 days after settlement');
    expect(finding(a, 'fines')?.count).toBe(1);
    expect(finding(b, 'fines')).toBeUndefined();
    expect(auditReportMarkdown(b, en)).toContain('fines, fees and payments: 400 days after settlement');
  });

  it('(d) says when the last backup was taken, as the access log records it', async () => {
    const { library } = await buildLibrary(w, { profileId: 'strict-default' });
    expect((await auditReport(w.runtime, OPERATOR, { libraryId: library.id })).storage.backups.lastBackupAt).toBeNull();
    await createBackup(w.runtime, OPERATOR);
    const report = await auditReport(w.runtime, OPERATOR, { libraryId: library.id });
    expect(report.storage.backups.lastBackupAt).toBe(w.clock.now().toISOString());
    expect(report.storage.statements.join('\n')).toContain('the last backup taken with `carrel backup`');
  });

  it('the director and the system administrator may generate it; a clerk may not; other libraries are not found', async () => {
    const { library } = await buildLibrary(w, { profileId: 'ridgefield-ct' });
    const { library: other } = await buildLibrary(w, { profileId: 'ridgefield-ct' });
    const staff = async (roles: string[], libraryId: string | null) => {
      const { account } = await w.act(createStaff, { username: `audit-${roles[0]}-${counter++}`, libraryId, roles });
      return { kind: 'staff' as const, id: account.id, libraryId, roles };
    };
    const as = (actor: Awaited<ReturnType<typeof staff>>) => ({ actor, purpose: 'administration' as const, channel: 'http' as const });
    const director = await staff(['director'], library.id);
    expect((await auditReport(w.runtime, as(director), { libraryId: library.id })).library.id).toBe(library.id);
    expect((await auditReport(w.runtime, as(await staff(['admin'], null)), { libraryId: library.id })).library.id).toBe(library.id);
    expect(await refusalCodes(auditReport(w.runtime, as(await staff(['circulation'], library.id)), { libraryId: library.id }))).toEqual(['PERMISSION_DENIED']);
    expect(await refusalCodes(auditReport(w.runtime, as(director), { libraryId: other.id }))).toEqual(['LIBRARY_NOT_FOUND']);
    expect(await refusalCodes(auditReport(w.runtime, as(director), { libraryId: library.id, from: '2026-02-30' }))).toEqual(['INVALID_DATE']);
    expect(await refusalCodes(auditReport(w.runtime, as(director), { libraryId: library.id, from: '2027-01-01', to: '2026-01-01' }))).toEqual(['INVALID_DATE']);
  });
});
