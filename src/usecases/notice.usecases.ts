/**
 * Notices (issue 17): what the library tells its patrons, by the channel each chose (JC-VI), minimal by
 * default and as the profile allows (policy/notice.policy.ts).
 *
 * The outbox is the `notices` table. A notice is queued in the transaction of the event that causes it
 * (a hold trapped; a day's plan finding loans due, overdue or lost, cards expiring; a breach recorded; a
 * new version of the policy), once per event (an idempotency key). What it will say is sealed under the
 * recipient's data key. Delivery is three steps, each its own transaction so no transaction waits on a
 * mail server: `claimNotices` takes a batch for one process (no other process can take it) and builds
 * the messages, opening each recipient's address from the vault; the channel sends them (jobs/); and
 * `finishNotices` records each result: sent (the text forgotten), a later try, or failed for staff to see.
 * What stays of a sent notice is its kind, channel, time and status, for the profile's days (retention).
 */
import { DateTime } from 'luxon';
import { localDate } from '../domain/circulation.rules.js';
import { ErrorCode, refuse, refuseAll, type Problem } from '../domain/errors.js';
import {
  DEFAULT_NOTICE_SETTINGS,
  DEFAULT_TEMPLATES,
  KIND_FIELDS,
  NOTICE_KINDS,
  NOTICE_LANGUAGES,
  noticeSettingsProblems,
  renderTemplate,
  templateFieldsUsed,
  type DeliveryChannel,
  type DeliveryResult,
  type NoticeFields,
  type NoticeKind,
  type NoticeLanguage,
  type NoticeSettings,
  type NoticeTemplate,
  type OutgoingMessage,
} from '../domain/notices.js';
import type { Hold, Library } from '../domain/types.js';
import { declarationOf, type RecordCategory } from '../policy/inventory.js';
import { deliveryChannels, guardianNoticesAllowed, isMailing, retryDelayMs, templateFieldProblems, titlesAllowed } from '../policy/notice.policy.js';
import type { Profile } from '../policy/profile.schema.js';
import { fingerprint, versionHistory, type RecordedVersion } from '../profile/profile-version.js';
import type { ProfileRules } from '../policy/policy-words.js';
import { profiles, type ProfileRegistry } from '../profile/profiles.js';
import { findItemById } from '../storage/item.repository.js';
import { findHold } from '../storage/hold.repository.js';
import { findBranch, findLibrary } from '../storage/library.repository.js';
import * as notices from '../storage/notice.repository.js';
import { findPatronByCardHash, findPatronById } from '../storage/patron.repository.js';
import * as versions from '../storage/profile-version.repository.js';
import { open as openSealed, seal as sealWith } from '../vault/cipher.js';
import { requirePermission } from './authorization.js';
import { newId, recordAccess, recordLibraryChange, type Context } from './context.js';
import { requireLibrary } from './library-access.js';
import { openPatron } from './patron-records.js';
import { recordProfileVersion } from './privacy-policy.usecases.js';
import { translator } from '../i18n/messages.js';

// ── Settings ─────────────────────────────────────────────────────────────────────────────────────

async function settingsOf(ctx: Context, libraryId: string): Promise<NoticeSettings> {
  const row = await notices.findNoticeSettings(ctx.trx, libraryId);
  const stored = row ? (JSON.parse(row.settings) as Partial<NoticeSettings>) : {};
  return { ...DEFAULT_NOTICE_SETTINGS, ...stored };
}

/** The library's notice settings (due-soon and overdue days, card-expiry days, From address, portal, language). */
export async function readNoticeSettings(ctx: Context, input: { libraryId: string }): Promise<NoticeSettings> {
  requirePermission(ctx, 'library.read');
  const library = await requireLibrary(ctx, input.libraryId);
  return settingsOf(ctx, library.id);
}

/** Changes some of the library's notice settings (those given); a bad value changes nothing. */
export async function updateNoticeSettings(ctx: Context, input: { libraryId: string } & Partial<NoticeSettings>): Promise<NoticeSettings> {
  requirePermission(ctx, 'notices.manage');
  const library = await requireLibrary(ctx, input.libraryId);
  const { libraryId: _library, ...change } = input;
  const problems = noticeSettingsProblems(change);
  refuseAll(problems.map((p) => ({ code: ErrorCode.VALIDATION_FAILED, message: p.message, field: p.field })));
  const next: NoticeSettings = { ...(await settingsOf(ctx, library.id)), ...definedOnly(change) };
  await notices.saveNoticeSettings(ctx.trx, library.id, JSON.stringify(next), ctx.now.toISOString());
  await recordLibraryChange(ctx, library.id, 'notices.settings.update');
  return next;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

// ── Templates ────────────────────────────────────────────────────────────────────────────────────

/** A template as the office shows it: the one in use, and whether the library wrote it. */
export interface TemplateView extends NoticeTemplate {
  kind: NoticeKind;
  language: NoticeLanguage;
  custom: boolean;
  /** The fields this kind offers, less those the profile forbids. */
  fields: string[];
  updatedAt: string | null;
}

function profileOf(library: Library, registry?: ProfileRegistry): Profile {
  return (registry ?? profiles()).get(library.profileId);
}

async function templatesOf(ctx: Context, libraryId: string): Promise<Map<string, notices.TemplateRow>> {
  return new Map((await notices.listTemplates(ctx.trx, libraryId)).map((t) => [`${t.kind}:${t.language}`, t]));
}

/** Every kind's template in every language, the library's own where it wrote one. */
export async function listNoticeTemplates(ctx: Context, input: { libraryId: string }): Promise<TemplateView[]> {
  requirePermission(ctx, 'library.read');
  const library = await requireLibrary(ctx, input.libraryId);
  const profile = profileOf(library);
  const custom = await templatesOf(ctx, library.id);
  const views: TemplateView[] = [];
  for (const kind of NOTICE_KINDS)
    for (const language of NOTICE_LANGUAGES) {
      const own = custom.get(`${kind}:${language}`);
      const template = own ?? DEFAULT_TEMPLATES[language][kind];
      views.push({
        kind,
        language,
        subject: template.subject,
        body: template.body,
        custom: own !== undefined,
        fields: KIND_FIELDS[kind].filter((f) => f !== 'titles' || titlesAllowed(profile)),
        updatedAt: own?.updatedAt ?? null,
      });
    }
  return views;
}

function requireKind(kind: string): NoticeKind {
  if (!(NOTICE_KINDS as readonly string[]).includes(kind)) throw refuse(ErrorCode.VALIDATION_FAILED, `The kind of notice is one of ${NOTICE_KINDS.join(', ')}.`, 'kind');
  return kind as NoticeKind;
}

function requireLanguage(language: string): NoticeLanguage {
  if (!(NOTICE_LANGUAGES as readonly string[]).includes(language)) throw refuse(ErrorCode.VALIDATION_FAILED, `The language is one of ${NOTICE_LANGUAGES.join(', ')}.`, 'language');
  return language as NoticeLanguage;
}

/** The problems of a template for a kind under the library's profile (refused at save, shown at preview). */
function templateProblems(kind: NoticeKind, template: NoticeTemplate, profile: Profile): Problem[] {
  const problems: Problem[] = [];
  if (template.subject.trim() === '' || template.subject.length > 200) problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'The subject is 1 to 200 characters.', field: 'subject' });
  if (template.body.trim() === '' || template.body.length > 5000) problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'The body is 1 to 5,000 characters.', field: 'body' });
  for (const p of templateFieldProblems(kind, templateFieldsUsed(template), profile)) {
    const why =
      p.reason === 'forbidden-by-profile'
        ? `the library’s privacy policy does not let notices name it (${p.clause})`
        : p.reason === 'not-for-this-kind'
          ? 'this kind of notice has no such field'
          : 'there is no such field';
    problems.push({ code: ErrorCode.TEMPLATE_FIELD_NOT_ALLOWED, message: `The template uses {{${p.field}}}: ${why}.`, field: p.field });
  }
  return problems;
}

/** Saves the library's own template for a kind and language; a field the profile forbids is refused. */
export async function saveNoticeTemplate(ctx: Context, input: { libraryId: string; kind: string; language: string; subject: string; body: string }): Promise<TemplateView> {
  requirePermission(ctx, 'notices.manage');
  const library = await requireLibrary(ctx, input.libraryId);
  const kind = requireKind(input.kind);
  const language = requireLanguage(input.language);
  refuseAll(templateProblems(kind, { subject: input.subject, body: input.body }, profileOf(library)));
  const updatedAt = ctx.now.toISOString();
  await notices.upsertTemplate(ctx.trx, library.id, { kind, language, subject: input.subject, body: input.body, updatedAt });
  await recordLibraryChange(ctx, library.id, `notices.template.save:${kind}:${language}`);
  return (await listNoticeTemplates(ctx, { libraryId: library.id })).find((t) => t.kind === kind && t.language === language) as TemplateView;
}

/** Goes back to the shipped template for a kind and language. */
export async function resetNoticeTemplate(ctx: Context, input: { libraryId: string; kind: string; language: string }): Promise<TemplateView> {
  requirePermission(ctx, 'notices.manage');
  const library = await requireLibrary(ctx, input.libraryId);
  const kind = requireKind(input.kind);
  const language = requireLanguage(input.language);
  if (await notices.deleteTemplate(ctx.trx, library.id, kind, language)) await recordLibraryChange(ctx, library.id, `notices.template.reset:${kind}:${language}`);
  return (await listNoticeTemplates(ctx, { libraryId: library.id })).find((t) => t.kind === kind && t.language === language) as TemplateView;
}

/** A fictional patron's notice of each kind, for the preview: no real patron is ever shown. */
function fictionalFields(kind: NoticeKind, library: Library, language: NoticeLanguage, portalUrl: string): NoticeFields {
  const day = (offset: number) => formatDay(DateTime.fromISO('2026-03-10T12:00:00Z').plus({ days: offset }).toJSDate(), language, library.timeZone);
  return {
    library: library.name,
    portalUrl,
    count: '2',
    dueDate: day(kind === 'due-soon' ? 3 : -8),
    pickupBy: day(7),
    branch: language === 'es' ? 'Sucursal Central' : 'Central Branch',
    titles: language === 'es' ? 'Cien años de soledad; El Aleph' : 'Middlemarch; The Left Hand of Darkness',
    expiresOn: day(30),
    changes: language === 'es' ? '- Préstamos devueltos: se anonimizan al devolverlos' : '- Returned loans: anonymised on return',
    version: '2',
    breachWhen: day(-2),
    breachData: language === 'es' ? 'Inscripción (nombre, correo electrónico)' : 'Registration (name, email)',
    breachActions: language === 'es' ? 'Hemos cambiado todas las contraseñas del personal.' : 'We have reset every staff password.',
    unsubscribeUrl: `${portalUrl.replace(/\/$/, '')}/unsubscribe#example`,
    resetUrl: `${portalUrl.replace(/\/$/, '')}/pin-reset#example`,
  };
}

/**
 * What a notice of a kind would look like, with a fictional patron: the library's template, or the one
 * given (a draft in the office editor), checked as saving would check it.
 */
export async function previewNotice(
  ctx: Context,
  input: { libraryId: string; kind: string; language: string; subject?: string; body?: string },
): Promise<{ subject: string; body: string; problems: { field: string; message: string }[] }> {
  requirePermission(ctx, 'library.read');
  const library = await requireLibrary(ctx, input.libraryId);
  const kind = requireKind(input.kind);
  const language = requireLanguage(input.language);
  const custom = (await templatesOf(ctx, library.id)).get(`${kind}:${language}`);
  const base = custom ?? DEFAULT_TEMPLATES[language][kind];
  const template = { subject: input.subject ?? base.subject, body: input.body ?? base.body };
  const settings = await settingsOf(ctx, library.id);
  const rendered = renderTemplate(template, fictionalFields(kind, library, language, settings.portalUrl ?? 'https://library.example/app/'));
  const problems = templateProblems(kind, template, profileOf(library)).map((p) => ({ field: p.field ?? '', message: p.message }));
  return { ...rendered, problems };
}

// ── Queueing ─────────────────────────────────────────────────────────────────────────────────────

/** Dates in notices: the library's zone, the reader's language ("10 March 2026", "10 de marzo de 2026"). */
function formatDay(at: Date | string, language: NoticeLanguage, timeZone: string): string {
  return new Intl.DateTimeFormat(language === 'es' ? 'es-ES' : 'en-GB', { dateStyle: 'long', timeZone }).format(typeof at === 'string' ? new Date(at) : at);
}

/** The record categories a notice of each kind reads to be written (the access log names them). */
const KIND_CATEGORIES: Record<NoticeKind, RecordCategory[]> = {
  'hold-ready': ['registration', 'holds'],
  'due-soon': ['registration', 'circulation'],
  'overdue-1': ['registration', 'circulation'],
  'overdue-2': ['registration', 'circulation'],
  'overdue-3': ['registration', 'circulation'],
  'long-overdue': ['registration', 'circulation', 'fines'],
  'card-expiring': ['registration'],
  'guardian-overdue': ['registration', 'guardianship', 'circulation'],
  'policy-changed': ['registration'],
  breach: ['registration'],
  'pin-reset': ['registration'],
};

interface QueueSpec {
  library: Library;
  /** Whom it goes to, with their choices. */
  to: notices.NoticePrefs;
  recipient: 'patron' | 'guardian';
  kind: NoticeKind;
  /** The event's key; the channel is added to it. */
  key: string;
  /** The fields, without those filled at sending (library, portal, unsubscribe). */
  fields: (language: NoticeLanguage) => NoticeFields;
  hasEmail?: boolean;
  breachId?: string;
  settings: NoticeSettings;
}

/**
 * Queues one notice on each channel the recipient's choice allows (none: nothing), unless the event's
 * notice exists already. Answers the notices added, by channel.
 */
async function queue(ctx: Context, spec: QueueSpec): Promise<DeliveryChannel[]> {
  if (spec.to.status === 'deceased') return [];
  const channels = deliveryChannels(spec.kind, { channel: spec.to.channel, mailingsOff: spec.to.mailingsOff, hasEmail: spec.hasEmail ?? false });
  if (channels.length === 0) return [];
  const keys = channels.map((c) => `${spec.key}:${c}`);
  const taken = await notices.takenKeys(ctx.trx, keys);
  const language = languageOf(spec.to, spec.settings);
  const added: DeliveryChannel[] = [];
  const at = ctx.now.toISOString();
  for (const channel of channels) {
    const key = `${spec.key}:${channel}`;
    if (taken.has(key)) continue;
    const payload = await ctx.vault.seal(spec.to.patronId, 'notice', JSON.stringify(spec.fields(language)));
    const inserted = await notices.insertNotice(ctx.trx, {
      id: newId(),
      libraryId: spec.library.id,
      patronId: spec.to.patronId,
      recipient: spec.recipient,
      kind: spec.kind,
      channel,
      language,
      status: channel === 'letter' ? 'letter' : 'queued',
      idempotencyKey: key,
      payload,
      breachId: spec.breachId ?? null,
      nextAttemptAt: at,
      createdAt: at,
      endedAt: null,
    });
    if (inserted) added.push(channel);
  }
  if (added.length > 0) await recordAccess(ctx, { id: spec.to.patronId, libraryId: spec.library.id }, `notice-queued:${spec.kind}`, KIND_CATEGORIES[spec.kind]);
  return added;
}

function languageOf(prefs: Pick<notices.NoticePrefs, 'language'>, settings: NoticeSettings): NoticeLanguage {
  return (NOTICE_LANGUAGES as readonly string[]).includes(prefs.language ?? '') ? (prefs.language as NoticeLanguage) : settings.defaultLanguage;
}

/**
 * A hold became ready for pick-up: its patron is told where and until when (once per hold, however
 * often the trap is retried). Called in the transaction that trapped the item.
 */
export async function queueHoldReady(ctx: Context, hold: Pick<Hold, 'id' | 'patronId' | 'pickupBranchId'> & { itemId: string; pickupBy: string }, library: Library): Promise<void> {
  const prefs = (await notices.noticePrefs(ctx.trx, [hold.patronId])).get(hold.patronId);
  if (!prefs) return;
  const settings = await settingsOf(ctx, library.id);
  const branch = await findBranch(ctx.trx, library.id, hold.pickupBranchId);
  const titles = titlesAllowed(profileOf(library)) ? ((await findItemById(ctx.trx, hold.itemId))?.title ?? '') : '';
  await queue(ctx, {
    library,
    to: prefs,
    recipient: 'patron',
    kind: 'hold-ready',
    key: `hold-ready:${hold.id}`,
    settings,
    fields: (language) => ({ count: '1', pickupBy: formatDay(hold.pickupBy, language, library.timeZone), branch: branch?.name ?? '', ...(titles ? { titles } : {}) }),
  });
}

/** The instant a local day starts, in the library's zone. */
function startOfDay(date: string, timeZone: string, plusDays = 0): string {
  return DateTime.fromISO(date, { zone: timeZone }).plus({ days: plusDays }).startOf('day').toUTC().toISO() as string;
}

type DueLoan = notices.PlannedLoan;

/** Loans grouped by patron and local due date. */
function byPatronAndDay(loans: readonly DueLoan[], timeZone: string): Map<string, { patronId: string; day: string; loans: DueLoan[] }> {
  const groups = new Map<string, { patronId: string; day: string; loans: DueLoan[] }>();
  for (const loan of loans) {
    const day = localDate(new Date(loan.dueAt), timeZone);
    const key = `${loan.patronId}:${day}`;
    const group = groups.get(key) ?? { patronId: loan.patronId, day, loans: [] };
    group.loans.push(loan);
    groups.set(key, group);
  }
  return groups;
}

/** What a day's plan queued, by kind. */
export type PlanCounts = Record<'dueSoon' | 'overdue' | 'longOverdue' | 'cardExpiring' | 'guardian', number>;

/**
 * The day's notices of a library (the scheduler's notices-plan job, once per library and local day):
 * items due within the library's due-soon days, overdue at each of its overdue days, billed as lost in
 * the last week, cards expiring within its card-expiry days, and the guardians of minors with overdue or
 * lost items where the profile allows. Each is keyed by its patron, kind and date, so a second run, or a
 * run that catches up after days of downtime, queues nothing twice.
 */
export async function planNotices(ctx: Context, input: { libraryId: string }): Promise<PlanCounts> {
  requirePermission(ctx, 'notices.send');
  const library = await requireLibrary(ctx, input.libraryId);
  const profile = profileOf(library);
  const settings = await settingsOf(ctx, library.id);
  const tz = library.timeZone;
  const today = localDate(ctx.now, tz);
  const counts: PlanCounts = { dueSoon: 0, overdue: 0, longOverdue: 0, cardExpiring: 0, guardian: 0 };
  const titles = titlesAllowed(profile);
  const titlesOf = async (loans: readonly DueLoan[]) => (titles ? (await Promise.all(loans.map(async (l) => (await findItemById(ctx.trx, l.itemId))?.title ?? ''))).filter((t) => t !== '').join('; ') : '');

  const queueLoans = async (kind: NoticeKind, loans: readonly DueLoan[], keyOf: (patronId: string, day: string) => string): Promise<{ patronId: string; day: string; loans: DueLoan[] }[]> => {
    const groups = [...byPatronAndDay(loans, tz).values()];
    const prefs = await notices.noticePrefs(ctx.trx, [...new Set(groups.map((g) => g.patronId))]);
    for (const group of groups) {
      const to = prefs.get(group.patronId);
      if (!to) continue;
      const listed = await titlesOf(group.loans);
      const added = await queue(ctx, {
        library,
        to,
        recipient: 'patron',
        kind,
        key: keyOf(group.patronId, group.day),
        settings,
        fields: (language) => ({ count: String(group.loans.length), dueDate: formatDay(group.loans[0]!.dueAt, language, tz), ...(listed ? { titles: listed } : {}) }),
      });
      if (added.length > 0) {
        if (kind === 'due-soon') counts.dueSoon++;
        else if (kind === 'long-overdue') counts.longOverdue++;
        else counts.overdue++;
      }
    }
    return groups;
  };

  // Due soon: due from today to the due-soon days ahead.
  if (settings.dueSoonDays > 0) {
    const loans = await notices.activeLoansDueBetween(ctx.trx, library.id, ctx.now.toISOString(), startOfDay(today, tz, settings.dueSoonDays + 1));
    await queueLoans('due-soon', loans, (p, day) => `due-soon:${p}:${day}`);
  }

  // Overdue: level i covers loans at least overdueDays[i] days late and not yet at the next level's days
  // (the last level: a week of catching up), each notice once per patron and due date.
  const overdueKinds: NoticeKind[] = ['overdue-1', 'overdue-2', 'overdue-3'];
  const minors = new Map<string, { day: string; count: number; dueAt: string; kind: string }[]>();
  for (const [i, days] of settings.overdueDays.entries()) {
    const nextDays = settings.overdueDays[i + 1] ?? days + 7;
    const loans = await notices.activeLoansDueBetween(ctx.trx, library.id, startOfDay(today, tz, -nextDays + 1), startOfDay(today, tz, -days + 1));
    const kind = overdueKinds[i] as NoticeKind;
    const groups = await queueLoans(kind, loans, (p, day) => `${kind}:${p}:${day}`);
    if (i === 0) for (const g of groups) minors.set(g.patronId, [...(minors.get(g.patronId) ?? []), { day: g.day, count: g.loans.length, dueAt: g.loans[0]!.dueAt, kind: 'overdue' }]);
  }

  // Billed as lost in the last week.
  const lost = await notices.loansLostBetween(ctx.trx, library.id, startOfDay(today, tz, -7), ctx.now.toISOString());
  const lostGroups = await queueLoans('long-overdue', lost, (p, day) => `long-overdue:${p}:${day}`);
  for (const g of lostGroups) minors.set(g.patronId, [...(minors.get(g.patronId) ?? []), { day: g.day, count: g.loans.length, dueAt: g.loans[0]!.dueAt, kind: 'lost' }]);

  // Guardians of minors with overdue or lost items (RR-8, IF-7), where the profile lets them see it.
  if (guardianNoticesAllowed(profile) && minors.size > 0) {
    const guardians = await notices.guardiansOfMinors(ctx.trx, [...minors.keys()]);
    const prefs = await notices.noticePrefs(ctx.trx, [...new Set([...guardians.values()].flat())]);
    for (const [minorId, guardianIds] of guardians)
      for (const guardianId of guardianIds)
        for (const event of minors.get(minorId) ?? []) {
          const to = prefs.get(guardianId);
          if (!to) continue;
          const added = await queue(ctx, {
            library,
            to,
            recipient: 'guardian',
            kind: 'guardian-overdue',
            key: `guardian-${event.kind}:${guardianId}:${minorId}:${event.day}`,
            settings,
            fields: (language) => ({ count: String(event.count), dueDate: formatDay(event.dueAt, language, tz) }),
          });
          if (added.length > 0) {
            counts.guardian++;
            await recordAccess(ctx, { id: minorId, libraryId: library.id }, 'guardian-notified', ['guardianship', 'circulation']);
          }
        }
  }

  // Cards expiring (CB-F2).
  if (settings.cardExpiringDays > 0) {
    const expiring = await notices.patronsExpiringBetween(ctx.trx, library.id, ctx.now.toISOString(), startOfDay(today, tz, settings.cardExpiringDays + 1));
    const prefs = await notices.noticePrefs(ctx.trx, expiring.map((e) => e.patronId));
    for (const e of expiring) {
      const to = prefs.get(e.patronId);
      if (!to) continue;
      const added = await queue(ctx, {
        library,
        to,
        recipient: 'patron',
        kind: 'card-expiring',
        key: `card-expiring:${e.patronId}:${localDate(new Date(e.expiresAt), tz)}`,
        settings,
        fields: (language) => ({ expiresOn: formatDay(e.expiresAt, language, tz) }),
      });
      if (added.length > 0) counts.cardExpiring++;
    }
  }
  return counts;
}

// ── The privacy policy changed (RR-10) ───────────────────────────────────────────────────────────

/** Whether the library's policy changed since its patrons were last told, and what changed. */
export interface PolicyAnnouncement {
  announce: boolean;
  previous: string | null;
  current: string;
  version: number;
  changes: string[];
}

/**
 * Compares the library's policy in force with the one its patrons were last told of. The first time,
 * the policy in force becomes the baseline (nothing is sent: no patron was told of an earlier one by
 * Carrel). Otherwise a version whose rules differ is announced, naming each changed rule.
 */
export async function policyAnnouncement(ctx: Context, input: { libraryId: string; registry?: ProfileRegistry }): Promise<PolicyAnnouncement> {
  requirePermission(ctx, 'notices.send');
  const library = await requireLibrary(ctx, input.libraryId);
  const profile = profileOf(library, input.registry);
  await recordProfileVersion(ctx, { profileId: profile.id, ...(input.registry ? { registry: input.registry } : {}) });
  const { contentHash } = fingerprint(profile);
  const previous = (await notices.findNoticeSettings(ctx.trx, library.id))?.announcedPolicy ?? null;
  if (previous === null) {
    await notices.setAnnouncedPolicy(ctx.trx, library.id, null, contentHash, ctx.now.toISOString());
    return { announce: false, previous, current: contentHash, version: profile.version, changes: [] };
  }
  if (previous === contentHash) return { announce: false, previous, current: contentHash, version: profile.version, changes: [] };
  const recorded: RecordedVersion[] = (await versions.listVersions(ctx.trx, profile.id)).map((v) => ({
    version: v.version,
    effective: v.effective,
    contentHash: v.contentHash,
    firstSeenAt: v.firstSeenAt,
    rules: JSON.parse(v.rules) as ProfileRules,
  }));
  const before = recorded.find((v) => v.contentHash === previous);
  const after = recorded.find((v) => v.contentHash === contentHash);
  let changes: string[] = [];
  if (before && after) {
    // The changes in English, as before the catalogues: one mailing names them once for every patron.
    const history = versionHistory(translator('en'), [before, after], contentHash);
    changes = (history[1]?.changes ?? []).map((c) => c.text);
  }
  return { announce: changes.length > 0 || !before, previous, current: contentHash, version: profile.version, changes };
}

/**
 * One page of a policy-change mailing: each patron of the library with an email on file, who has not
 * unsubscribed, is queued one notice naming what changed (RR-10). Keyed by the new version, so a page
 * retried or a second process queues nothing twice.
 */
export async function queuePolicyNotices(
  ctx: Context,
  input: { libraryId: string; announcement: PolicyAnnouncement; afterId: string | null; limit: number },
): Promise<{ queued: number; next: string | null }> {
  requirePermission(ctx, 'notices.send');
  const library = await requireLibrary(ctx, input.libraryId);
  const settings = await settingsOf(ctx, library.id);
  const page = await notices.patronPage(ctx.trx, { libraryId: library.id, afterId: input.afterId, limit: input.limit, withEmail: true });
  let queued = 0;
  const changes = input.announcement.changes.map((c) => `- ${c}`).join('\n');
  for (const to of page) {
    const added = await queue(ctx, {
      library,
      to,
      recipient: 'patron',
      kind: 'policy-changed',
      key: `policy-changed:${input.announcement.current}:${to.patronId}`,
      settings,
      hasEmail: true,
      fields: () => ({ changes, version: String(input.announcement.version) }),
    });
    queued += added.length;
  }
  return { queued, next: page.length < input.limit ? null : (page[page.length - 1]?.patronId ?? null) };
}

/**
 * A PIN-reset link for a patron who asked for one (usecases/pin-reset.usecases.ts): one email notice to
 * the patron's address, whatever channel they chose, or nothing when they have no email address (they
 * reset at the desk). The token is kept only in the notice's sealed fields, forgotten once it is sent;
 * the link around it is made at sending, from the library's portal address. Each request is its own
 * notice (the address throttle of the route limits how many).
 */
export async function queuePinReset(ctx: Context, patron: { id: string; libraryId: string }, token: string): Promise<boolean> {
  const library = await findLibrary(ctx.trx, patron.libraryId);
  // patronPage keeps only a patron with an email on file, and only one whose card is in use.
  const [to] = await notices.patronPage(ctx.trx, { libraryId: patron.libraryId, afterId: null, limit: 1, withEmail: true, ids: [patron.id] });
  if (!library || !to) return false;
  const added = await queue(ctx, {
    library,
    to,
    recipient: 'patron',
    kind: 'pin-reset',
    key: `pin-reset:${newId()}`,
    settings: await settingsOf(ctx, library.id),
    hasEmail: true,
    fields: () => ({ resetToken: token }) as NoticeFields,
  });
  return added.length > 0;
}

/** Records that the library's patrons were told of a policy version (after its mailing was queued). */
export async function markPolicyAnnounced(ctx: Context, input: { libraryId: string; previous: string | null; current: string }): Promise<{ recorded: boolean }> {
  requirePermission(ctx, 'notices.send');
  const library = await requireLibrary(ctx, input.libraryId);
  const recorded = await notices.setAnnouncedPolicy(ctx.trx, library.id, input.previous, input.current, ctx.now.toISOString());
  if (recorded) await recordLibraryChange(ctx, library.id, `notices.policy-announced:${input.current.slice(0, 12)}`);
  return { recorded };
}

// ── Breaches (RR-6) ──────────────────────────────────────────────────────────────────────────────

export interface BreachInput {
  libraryId: string;
  /** When it happened and when the library found out (YYYY-MM-DD). */
  occurredOn: string;
  discoveredOn: string;
  /** The record categories of the inventory the breach exposed. */
  categories: string[];
  /** Every patron of the library, or those whose card numbers are listed. */
  scope: 'all' | 'listed';
  cardNumbers?: string[];
  /** What happened, for the register (not sent), and what the library is doing (sent). */
  description: string;
  actions: string;
}

export type BreachView = notices.BreachRow & { sent: number; failed: number; waiting: number; posted: number };

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The director records a breach (RR-6): when, which categories of data, which patrons, and what the
 * library is doing. The patrons are notified afterwards, a page at a time (`queueBreachNotices`), each by
 * their channel, or listed for a letter when they chose none.
 */
export async function recordBreach(ctx: Context, input: BreachInput): Promise<{ breach: notices.BreachRow; patronIds: string[] | null }> {
  requirePermission(ctx, 'breach.manage');
  const library = await requireLibrary(ctx, input.libraryId);
  const problems: Problem[] = [];
  if (!DAY.test(input.occurredOn)) problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'When it happened is a date (YYYY-MM-DD).', field: 'occurredOn' });
  if (!DAY.test(input.discoveredOn)) problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'When it was found is a date (YYYY-MM-DD).', field: 'discoveredOn' });
  if (DAY.test(input.occurredOn) && DAY.test(input.discoveredOn) && input.discoveredOn < input.occurredOn)
    problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'A breach is found on or after the day it happened.', field: 'discoveredOn' });
  if (DAY.test(input.discoveredOn) && input.discoveredOn > localDate(ctx.now, library.timeZone))
    problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'A breach cannot be found in the future.', field: 'discoveredOn' });
  const categories = [...new Set(input.categories)];
  if (categories.length === 0) problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'Name at least one category of record the breach exposed.', field: 'categories' });
  for (const c of categories) {
    try {
      declarationOf(c as RecordCategory);
    } catch {
      problems.push({ code: ErrorCode.VALIDATION_FAILED, message: `${c} is not a category of the data inventory.`, field: 'categories' });
    }
  }
  if (input.description.trim() === '' || input.description.length > 5000) problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'Say what happened (up to 5,000 characters).', field: 'description' });
  if (input.actions.trim() === '' || input.actions.length > 2000) problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'Say what the library is doing (up to 2,000 characters); patrons are told this.', field: 'actions' });
  let patronIds: string[] | null = null;
  if (input.scope === 'listed') {
    const cards = input.cardNumbers ?? [];
    if (cards.length === 0) problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'List the card numbers of the patrons affected, or choose all patrons.', field: 'cardNumbers' });
    const ids = new Set<string>();
    for (const card of cards) {
      const stored = await findPatronByCardHash(ctx.trx, ctx.vault.blind('card', card));
      if (!stored || stored.libraryId !== library.id) problems.push({ code: ErrorCode.PATRON_NOT_FOUND, message: 'A card number listed is not a patron of this library.', field: 'cardNumbers' });
      else ids.add(stored.id);
    }
    patronIds = [...ids];
  } else if (input.scope !== 'all') problems.push({ code: ErrorCode.VALIDATION_FAILED, message: 'The scope is all or listed.', field: 'scope' });
  refuseAll(problems);
  const breach: notices.BreachRow = {
    id: newId(),
    libraryId: library.id,
    occurredOn: input.occurredOn,
    discoveredOn: input.discoveredOn,
    categories,
    scope: input.scope,
    description: input.description,
    actions: input.actions,
    recordedBy: ctx.actor.id,
    recordedAt: ctx.now.toISOString(),
    patronsAffected: 0,
    noticesQueued: 0,
    letters: 0,
  };
  await notices.insertBreach(ctx.trx, breach);
  await recordLibraryChange(ctx, library.id, `breach.record:${breach.id}`);
  return { breach, patronIds };
}

/** One page of a breach's notices: each affected patron by their channel, or a letter (RR-6). */
export async function queueBreachNotices(
  ctx: Context,
  input: { breachId: string; libraryId: string; patronIds: string[] | null; afterId: string | null; limit: number },
): Promise<{ patrons: number; queued: number; letters: number; next: string | null }> {
  requirePermission(ctx, 'breach.manage');
  const library = await requireLibrary(ctx, input.libraryId);
  const breach = await notices.findBreach(ctx.trx, library.id, input.breachId);
  if (!breach) throw refuse(ErrorCode.BREACH_NOT_FOUND, 'No breach has that id.', 'breachId');
  const settings = await settingsOf(ctx, library.id);
  const page = await notices.patronPage(ctx.trx, { libraryId: library.id, afterId: input.afterId, limit: input.limit, ...(input.patronIds ? { ids: input.patronIds } : {}) });
  let queued = 0;
  let letters = 0;
  const data = breach.categories.map((c) => declarationOf(c as RecordCategory).name).join(', ');
  for (const to of page) {
    const added = await queue(ctx, {
      library,
      to,
      recipient: 'patron',
      kind: 'breach',
      key: `breach:${breach.id}:${to.patronId}`,
      settings,
      breachId: breach.id,
      fields: (language) => ({ breachWhen: formatDay(`${breach.occurredOn}T12:00:00Z`, language, 'UTC'), breachData: data, breachActions: breach.actions }),
    });
    queued += added.filter((c) => c !== 'letter').length;
    letters += added.filter((c) => c === 'letter').length;
  }
  await notices.addBreachCounts(ctx.trx, breach.id, { patronsAffected: page.length, noticesQueued: queued, letters });
  return { patrons: page.length, queued, letters, next: page.length < input.limit ? null : (page[page.length - 1]?.patronId ?? null) };
}

/** The library's breach register, each breach with how its notices went. */
export async function listBreaches(ctx: Context, input: { libraryId: string }): Promise<BreachView[]> {
  requirePermission(ctx, 'breach.manage');
  const library = await requireLibrary(ctx, input.libraryId);
  const counts = await notices.breachNoticeCounts(ctx.trx, library.id);
  return (await notices.listBreaches(ctx.trx, library.id)).map((b) => {
    const count = (status: string) => counts.get(b.id)?.[status] ?? 0;
    return { ...b, sent: count('sent'), failed: count('failed'), waiting: count('queued') + count('letter'), posted: count('posted') };
  });
}

// ── Delivery ─────────────────────────────────────────────────────────────────────────────────────

export interface ClaimInput {
  runner: string;
  limit: number;
  /** How long the claim holds before another process may take the notice (a process that died). */
  leaseMs: number;
  /** The channels this process can send on (a channel not configured leaves its notices queued). */
  channels: readonly ('email' | 'text')[];
  /** The public address of Carrel (links: the portal, unsubscribe), when the library set no portal address. */
  publicUrl: string;
  registry?: ProfileRegistry;
}

/** A claimed notice that will not be sent after all, and why. */
export interface NotSent {
  id: string;
  status: 'failed' | 'cancelled';
  code: string;
}

/**
 * Claims a batch of due notices for this process and builds their messages: each recipient's address
 * opened from the vault, the library's template in the recipient's language filled with the sealed
 * fields. A notice whose recipient has no address on that channel any more fails (staff see it); one
 * whose patron withdrew the channel, or left, is cancelled. Each message built is a read of the
 * recipient's contact details for the notice, in the access log.
 */
export async function claimNotices(ctx: Context, input: ClaimInput): Promise<{ messages: OutgoingMessage[]; notSent: NotSent[] }> {
  requirePermission(ctx, 'notices.send');
  const rows = await notices.claimDueNotices(ctx.trx, {
    now: ctx.now.toISOString(),
    runner: input.runner,
    until: new Date(ctx.now.getTime() + input.leaseMs).toISOString(),
    limit: input.limit,
    channels: input.channels,
  });
  const messages: OutgoingMessage[] = [];
  const notSent: NotSent[] = [];
  const librariesById = new Map<string, { library: Library; settings: NoticeSettings; templates: Map<string, notices.TemplateRow> }>();
  const unsubscribeKey = rows.some((r) => isMailing(r.kind as NoticeKind)) ? await ctx.vault.namedKey('unsubscribe', ctx.now) : null;
  for (const row of rows) {
    const kind = row.kind as NoticeKind;
    const patron = await findPatronById(ctx.trx, row.patronId);
    if (!patron || patron.status === 'deceased') {
      notSent.push({ id: row.id, status: 'cancelled', code: 'RECIPIENT_GONE' });
      continue;
    }
    const prefs = (await notices.noticePrefs(ctx.trx, [patron.id])).get(patron.id) as notices.NoticePrefs;
    const stillChosen = deliveryChannels(kind, { channel: prefs.channel, mailingsOff: prefs.mailingsOff, hasEmail: true });
    if (kind !== 'breach' && !stillChosen.includes(row.channel as DeliveryChannel)) {
      notSent.push({ id: row.id, status: 'cancelled', code: isMailing(kind) ? 'UNSUBSCRIBED' : 'CHANNEL_WITHDRAWN' });
      continue;
    }
    // A hold cancelled or expired between its trap and the sending: nothing waits for the patron.
    if (kind === 'hold-ready' && (await findHold(ctx.trx, row.idempotencyKey.split(':')[1] ?? ''))?.status !== 'ready') {
      notSent.push({ id: row.id, status: 'cancelled', code: 'HOLD_ENDED' });
      continue;
    }
    let cached = librariesById.get(row.libraryId);
    if (!cached) {
      const library = await findLibrary(ctx.trx, row.libraryId);
      if (!library) throw new Error('A notice points at a library that does not exist.');
      cached = { library, settings: await settingsOf(ctx, library.id), templates: await templatesOf(ctx, library.id) };
      librariesById.set(row.libraryId, cached);
    }
    const { personal } = await openPatron(ctx, patron);
    const to = row.channel === 'email' ? personal.email : personal.phone;
    if (!to || row.payload === null) {
      notSent.push({ id: row.id, status: 'failed', code: row.channel === 'email' ? 'NO_EMAIL_ADDRESS' : 'NO_PHONE_NUMBER' });
      continue;
    }
    const language = row.language as NoticeLanguage;
    // A PIN-reset notice carries its token (not a template field: no template can print it bare).
    const { resetToken, ...fields } = JSON.parse(await ctx.vault.open(patron.id, 'notice', row.payload)) as NoticeFields & { resetToken?: string };
    const base = input.publicUrl.replace(/\/$/, '');
    const portalUrl = cached.settings.portalUrl ?? `${base}/app/`;
    const linkBase = cached.settings.portalUrl ? new URL(cached.settings.portalUrl).origin : base;
    const headers: Record<string, string> = {};
    if (cached.settings.fromAddress) headers['From'] = `"${cached.library.name.replace(/["\\\r\n]/g, '')}" <${cached.settings.fromAddress}>`;
    let unsubscribeUrl: string | undefined;
    if (isMailing(kind) && unsubscribeKey) {
      const token = unsubscribeToken(unsubscribeKey, patron.id);
      // The link in the text opens a page that reads the token from the fragment (never sent to a
      // server's log); the header is RFC 8058's one-click POST, which mail providers send themselves.
      unsubscribeUrl = `${linkBase}/app/unsubscribe#${token}`;
      headers['List-Unsubscribe'] = `<${linkBase}/api/v1/unsubscribe/${token}>`;
      headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
    }
    // Like the unsubscribe link: the token in the fragment, which no browser sends to a server.
    const resetUrl = kind === 'pin-reset' && resetToken ? `${linkBase}/app/pin-reset#${resetToken}` : undefined;
    const template = cached.templates.get(`${kind}:${language}`) ?? DEFAULT_TEMPLATES[language][kind];
    const rendered = renderTemplate(template, { ...fields, library: cached.library.name, portalUrl, ...(unsubscribeUrl ? { unsubscribeUrl } : {}), ...(resetUrl ? { resetUrl } : {}) });
    messages.push({ noticeId: row.id, channel: row.channel as 'email' | 'text', to, subject: rendered.subject, body: rendered.body, headers, language });
    await recordAccess(ctx, patron, `notice-sent:${kind}`, KIND_CATEGORIES[kind]);
  }
  for (const n of notSent) await notices.markEnded(ctx.trx, n.id, input.runner, n.status, ctx.now.toISOString(), n.code);
  return { messages, notSent };
}

/**
 * Records how each claimed notice's sending ended: sent (what it said is forgotten), tried again later
 * (a temporary failure, with backoff), or failed for good (kept for staff, who may retry it). A result
 * for a notice this process no longer holds (its claim lapsed) changes nothing.
 */
export async function finishNotices(ctx: Context, input: { runner: string; results: { noticeId: string; result: DeliveryResult; attempts?: number }[] }): Promise<{ sent: number; retry: number; failed: number }> {
  requirePermission(ctx, 'notices.send');
  const at = ctx.now.toISOString();
  const counts = { sent: 0, retry: 0, failed: 0 };
  for (const { noticeId, result } of input.results) {
    if (result.status === 'sent') {
      if (await notices.markSent(ctx.trx, noticeId, input.runner, at)) counts.sent++;
      continue;
    }
    const row = await notices.findNotice(ctx.trx, noticeId);
    if (!row) continue;
    const delay = result.status === 'retry' ? retryDelayMs(row.attempts) : null;
    if (delay !== null) {
      if (await notices.markRetry(ctx.trx, noticeId, input.runner, new Date(ctx.now.getTime() + delay).toISOString(), result.code)) counts.retry++;
    } else if (await notices.markEnded(ctx.trx, noticeId, input.runner, 'failed', at, result.code)) counts.failed++;
  }
  return counts;
}

// ── Staff: the queue, failures and letters ───────────────────────────────────────────────────────

/** A notice as staff see it: never what it says, only whom it is for, what kind, and how it went. */
export interface NoticeView {
  id: string;
  patronId: string;
  recipient: 'patron' | 'guardian';
  kind: string;
  channel: string;
  language: string;
  status: string;
  attempts: number;
  errorCode: string | null;
  createdAt: string;
  sentAt: string | null;
  nextAttemptAt: string | null;
  breachId: string | null;
}

function viewOf(row: notices.NoticeRow): NoticeView {
  return {
    id: row.id,
    patronId: row.patronId,
    recipient: row.recipient,
    kind: row.kind,
    channel: row.channel,
    language: row.language,
    status: row.status,
    attempts: row.attempts,
    errorCode: row.errorCode,
    createdAt: row.createdAt,
    sentAt: row.sentAt,
    nextAttemptAt: row.status === 'queued' ? row.nextAttemptAt : null,
    breachId: row.breachId,
  };
}

/** A library's notices, newest first (by status or kind): what staff check when a patron asks "was I told?". */
export async function listNotices(ctx: Context, input: { libraryId: string; status?: string[]; kind?: string[]; limit?: number }): Promise<NoticeView[]> {
  requirePermission(ctx, 'notices.read');
  const library = await requireLibrary(ctx, input.libraryId);
  const rows = await notices.listNotices(ctx.trx, {
    libraryId: library.id,
    ...(input.status ? { statuses: input.status } : {}),
    ...(input.kind ? { kinds: input.kind } : {}),
    limit: Math.min(Math.max(input.limit ?? 100, 1), 1000),
  });
  for (const patronId of new Set(rows.map((r) => r.patronId))) await recordAccess(ctx, { id: patronId, libraryId: library.id }, 'notices-listed', ['registration']);
  return rows.map(viewOf);
}

/** Puts a failed notice back in the queue (staff fixed the address, or the mail server is back). */
export async function retryNotice(ctx: Context, input: { noticeId: string }): Promise<NoticeView> {
  requirePermission(ctx, 'notices.send');
  const row = await reachableNotice(ctx, input.noticeId);
  if (row.status !== 'failed') throw refuse(ErrorCode.NOTICE_NOT_RETRYABLE, `Only a failed notice can be retried; this one is ${row.status}.`, 'noticeId');
  if (row.payload === null) throw refuse(ErrorCode.NOTICE_NOT_RETRYABLE, 'What this notice said is gone; it cannot be sent again.', 'noticeId');
  await notices.requeue(ctx.trx, row.id, ctx.now.toISOString());
  await recordAccess(ctx, { id: row.patronId, libraryId: row.libraryId }, `notice-retried:${row.kind}`, ['registration']);
  return viewOf((await notices.findNotice(ctx.trx, row.id)) as notices.NoticeRow);
}

/** Retries every failed notice of a library (after the mail server came back). */
export async function retryFailedNotices(ctx: Context, input: { libraryId: string }): Promise<{ retried: number }> {
  requirePermission(ctx, 'notices.send');
  const library = await requireLibrary(ctx, input.libraryId);
  let retried = 0;
  for (const row of await notices.retryableFailedIds(ctx.trx, library.id))
    if (await notices.requeue(ctx.trx, row.id, ctx.now.toISOString())) {
      retried++;
      await recordAccess(ctx, { id: row.patronId, libraryId: library.id }, `notice-retried:${row.kind}`, ['registration']);
    }
  return { retried };
}

async function reachableNotice(ctx: Context, id: string): Promise<notices.NoticeRow> {
  const row = await notices.findNotice(ctx.trx, id);
  if (!row) throw refuse(ErrorCode.NOTICE_NOT_FOUND, 'No notice has that id.', 'noticeId');
  await requireLibrary(ctx, row.libraryId).catch(() => {
    throw refuse(ErrorCode.NOTICE_NOT_FOUND, 'No notice has that id.', 'noticeId');
  });
  return row;
}

/** A letter to print and post: the patron's name and postal address and what it says. */
export interface Letter {
  noticeId: string;
  kind: string;
  name: string;
  address: string | null;
  subject: string;
  body: string;
  createdAt: string;
}

/**
 * The letters waiting to be posted (a breach notice to a patron who chose no channel): name, address and
 * text, each a read of the patron's contact details, logged.
 */
export async function lettersToPost(ctx: Context, input: { libraryId: string; publicUrl?: string }): Promise<Letter[]> {
  requirePermission(ctx, 'notices.send');
  const library = await requireLibrary(ctx, input.libraryId);
  const settings = await settingsOf(ctx, library.id);
  const templates = await templatesOf(ctx, library.id);
  const rows = await notices.listNotices(ctx.trx, { libraryId: library.id, statuses: ['letter'], limit: 100_000 });
  const letters: Letter[] = [];
  for (const row of rows) {
    const patron = await findPatronById(ctx.trx, row.patronId);
    if (!patron || row.payload === null) continue;
    const { personal } = await openPatron(ctx, patron);
    const fields = JSON.parse(await ctx.vault.open(patron.id, 'notice', row.payload)) as NoticeFields;
    const language = row.language as NoticeLanguage;
    const template = templates.get(`${row.kind}:${language}`) ?? DEFAULT_TEMPLATES[language][row.kind as NoticeKind];
    const rendered = renderTemplate(template, { ...fields, library: library.name, portalUrl: settings.portalUrl ?? `${(input.publicUrl ?? '').replace(/\/$/, '')}/app/` });
    letters.push({ noticeId: row.id, kind: row.kind, name: personal.name, address: personal.address ?? null, subject: rendered.subject, body: rendered.body, createdAt: row.createdAt });
    await recordAccess(ctx, patron, `letter-printed:${row.kind}`, KIND_CATEGORIES[row.kind as NoticeKind] ?? ['registration']);
  }
  return letters;
}

/** Staff posted a letter: it counts as sent, and what it said is forgotten. */
export async function markLetterPosted(ctx: Context, input: { noticeId: string }): Promise<NoticeView> {
  requirePermission(ctx, 'notices.send');
  const row = await reachableNotice(ctx, input.noticeId);
  if (row.status !== 'letter') throw refuse(ErrorCode.NOTICE_NOT_RETRYABLE, `Only a letter waiting to be posted can be marked posted; this notice is ${row.status}.`, 'noticeId');
  await notices.markPosted(ctx.trx, row.id, ctx.now.toISOString());
  await recordAccess(ctx, { id: row.patronId, libraryId: row.libraryId }, `letter-posted:${row.kind}`, ['registration']);
  return viewOf((await notices.findNotice(ctx.trx, row.id)) as notices.NoticeRow);
}

/** How a library's notices went, counted by kind, channel and status (the office and the audit report). */
export async function noticeCounts(ctx: Context, input: { libraryId: string }) {
  requirePermission(ctx, 'library.read');
  const library = await requireLibrary(ctx, input.libraryId);
  return notices.countNotices(ctx.trx, library.id);
}

// ── The patron's own ─────────────────────────────────────────────────────────────────────────────

/** A notice as its recipient sees it in the portal and the export: kind, channel, time, status. */
export interface OwnNotice {
  kind: string;
  channel: string;
  language: string;
  status: string;
  createdAt: string;
  sentAt: string | null;
}

/** The notices a patron was sent (or is owed), newest first. The caller has checked who is asking. */
export async function noticesOf(ctx: Context, patronId: string): Promise<OwnNotice[]> {
  return (await notices.noticesOfPatron(ctx.trx, patronId)).map((r) => ({
    kind: r.kind,
    channel: r.channel,
    language: r.language,
    status: r.status === 'posted' ? 'sent' : r.status,
    createdAt: r.createdAt,
    sentAt: r.sentAt,
  }));
}

/**
 * What a patron chose about notices beyond their channel: their language (null: the library's) and
 * whether policy-change mailings reach them (false: unsubscribed). The caller has checked who is asking.
 */
export async function noticeChoicesOf(ctx: Context, patronId: string): Promise<{ noticeLanguage: NoticeLanguage | null; policyMailings: boolean }> {
  const prefs = (await notices.noticePrefs(ctx.trx, [patronId])).get(patronId);
  const language = prefs?.language ?? null;
  return {
    noticeLanguage: language !== null && (NOTICE_LANGUAGES as readonly string[]).includes(language) ? (language as NoticeLanguage) : null,
    policyMailings: !(prefs?.mailingsOff ?? false),
  };
}

/** Sets a patron's notice language (null: the library's). The caller has checked who is asking. */
export async function setNoticeLanguage(ctx: Context, patronId: string, language: string | null): Promise<void> {
  if (language !== null) requireLanguage(language);
  await notices.setNoticeLanguage(ctx.trx, patronId, language, ctx.now.toISOString());
}

// ── Unsubscribing (RR-3, RF-8) ───────────────────────────────────────────────────────────────────

const UNSUBSCRIBE_CONTEXT = 'carrel:unsubscribe:v1';

/**
 * A token that unsubscribes one patron from mailings and does nothing else: the patron's id sealed
 * (AES-256-GCM) under the vault's own `unsubscribe` key, bound to this one use. It cannot be forged
 * without the key, and opens nothing but this.
 */
function unsubscribeToken(key: Buffer, patronId: string): string {
  return sealWith(key, UNSUBSCRIBE_CONTEXT, patronId);
}

/**
 * Unsubscribes the patron a token names from mailings (today: the emails announcing a change of the
 * privacy policy, RR-10), without logging in. The consent to the library's own lists (RR-3) is a separate
 * choice the patron makes in the portal; Carrel sends no list mail itself. A token that does not open is refused, and changes nothing.
 */
export async function unsubscribe(ctx: Context, input: { token: string }): Promise<{ unsubscribed: true }> {
  const bad = () => refuse(ErrorCode.UNSUBSCRIBE_TOKEN_INVALID, 'This unsubscribe link is not valid; copy the whole link from the message.', 'token');
  if (typeof input.token !== 'string' || input.token.length > 512) throw bad();
  let patronId: string;
  try {
    patronId = openSealed(await ctx.vault.namedKey('unsubscribe', ctx.now), UNSUBSCRIBE_CONTEXT, input.token).toString('utf8');
  } catch {
    throw bad();
  }
  const patron = await findPatronById(ctx.trx, patronId);
  // A patron who has since left: the link still "works" (there is nothing more to send them).
  if (!patron) return { unsubscribed: true };
  const prefs = (await notices.noticePrefs(ctx.trx, [patron.id])).get(patron.id);
  if (prefs && !prefs.mailingsOff) {
    await notices.setMailingsOff(ctx.trx, patron.id, ctx.now.toISOString());
    await recordAccess(ctx, patron, 'unsubscribed', ['registration']);
  }
  return { unsubscribed: true };
}

/** The patron turns mailings back on (from the portal), or off. The caller has checked who is asking. */
export async function setMailings(ctx: Context, patronId: string, on: boolean): Promise<void> {
  await notices.setMailingsOff(ctx.trx, patronId, on ? null : ctx.now.toISOString());
}

/** What the driver of a breach's notices (jobs/notices.job.ts) and the transports see of a breach. */
export type BreachRecord = notices.BreachRow;
export type { ProfileRegistry } from '../profile/profiles.js';
