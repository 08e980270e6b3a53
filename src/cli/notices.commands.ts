import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { Option, type Command } from 'commander';
import { ErrorCode, refuse } from '../domain/errors.js';
import { NOTICE_KINDS, NOTICE_LANGUAGES, NOTICE_STATUSES, type NoticeSettings } from '../domain/notices.js';
import { announcePolicyChange, deliverNotices, notifyBreach, type DeliveryCounts } from '../jobs/notices.job.js';
import { SYSTEM } from '../policy/actors.js';
import { run, type Caller } from '../usecases/context.js';
import { scheduledLibraries } from '../usecases/job-run.usecases.js';
import {
  lettersToPost,
  listBreaches,
  listNotices,
  listNoticeTemplates,
  markLetterPosted,
  noticeCounts,
  planNotices,
  previewNotice,
  readNoticeSettings,
  resetNoticeTemplate,
  retryFailedNotices,
  retryNotice,
  saveNoticeTemplate,
  updateNoticeSettings,
  type BreachView,
  type Letter,
  type NoticeView,
  type PlanCounts,
  type TemplateView,
} from '../usecases/notice.usecases.js';
import { systemRun, type CommandHelpers } from './command-helpers.js';
import type { LocalTimes } from './local-times.js';
import { emit, tr } from './output.js';
import { noticeChannelsFromEnvironment } from './runtime.js';

/**
 * `carrel notices …` and `carrel breach …` (issue 17): the outbox as staff see it (never what a notice
 * says, nor to whom beyond the patron's id), previews with a fictional patron, the day's plan and its
 * delivery over the channels the environment configures, retries, letters to post, templates, settings,
 * and the breach register (RR-6). Each acts as the system through the notice use cases.
 */

/** A comma-separated list (`failed,queued`), each value one of `allowed`; refused with the flag's name. */
function listOf(text: string | undefined, allowed: readonly string[], flag: string): string[] | undefined {
  if (text === undefined) return undefined;
  const values = text.split(',').map((v) => v.trim()).filter((v) => v !== '');
  const unknown = values.filter((v) => !allowed.includes(v));
  if (values.length === 0 || unknown.length > 0) throw refuse(ErrorCode.VALIDATION_FAILED, `--${flag} takes a comma-separated list of ${allowed.join(', ')}.`, flag);
  return values;
}

/** A whole number from a flag, refused with the flag's name. */
function wholeNumber(text: string | undefined, flag: string, min: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isInteger(value) || value < min) throw refuse(ErrorCode.VALIDATION_FAILED, `--${flag} takes a whole number of at least ${min}.`, flag);
  return value;
}

/** A file's text, or a refusal naming the flag (a missing file is the operator's mistake, not a fault). */
function fileText(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw refuse(ErrorCode.VALIDATION_FAILED, `--${flag}: the file could not be read.`, flag);
  }
}

/** One notice on one line: when, kind, channel, status, attempts, error code. Never a name or address. */
function describeNotice(n: NoticeView, times: LocalTimes, libraryId: string): string {
  const when = times.when(n.sentAt ?? n.createdAt, libraryId);
  return [when, n.kind.padEnd(16), n.channel.padEnd(6), n.status.padEnd(9), `attempts ${n.attempts}`, n.errorCode ?? '-', n.id].join('  ');
}

function describeSettings(libraryId: string, s: NoticeSettings): string {
  return [
    `${libraryId}:`,
    `  due-soon notices: ${s.dueSoonDays === 0 ? 'none' : `${s.dueSoonDays} day(s) before the due date`}`,
    `  overdue notices: ${s.overdueDays.length === 0 ? 'none' : `${s.overdueDays.join(', ')} day(s) after the due date`}`,
    `  card-expiring notices: ${s.cardExpiringDays === 0 ? 'none' : `${s.cardExpiringDays} day(s) before the card expires`}`,
    `  From: ${s.fromAddress ?? '(the installation’s, CARREL_SMTP_FROM)'}`,
    `  portal: ${s.portalUrl ?? '(Carrel’s public address, CARREL_PUBLIC_URL)'}`,
    `  default language: ${s.defaultLanguage}`,
  ].join('\n');
}

function describeTemplate(t: TemplateView, full: boolean): string {
  const head = `${t.kind} (${t.language})${t.custom ? `, the library’s own since ${t.updatedAt ?? '?'}` : ', shipped'}: ${t.subject}`;
  return full ? `${head}\n  fields: ${t.fields.map((f) => `{{${f}}}`).join(' ')}\n${t.body.replace(/^/gm, '  | ')}` : head;
}

function describeLetters(letters: Letter[], times: LocalTimes, libraryId: string): string {
  if (letters.length === 0) return 'No letters wait to be posted.';
  // One page per letter (form feed), each headed by the notice id that `carrel notices posted` takes.
  return letters
    .map((l) => [`Notice ${l.noticeId} (${l.kind}, queued ${times.when(l.createdAt, libraryId)})`, '', l.name, ...(l.address ?? '(no postal address on file)').split(/\r?\n|,\s*/), '', l.subject, '', l.body.trimEnd()].join('\n'))
    .join('\n\f\n');
}

function describeBreach(b: BreachView, times: LocalTimes, libraryId: string): string {
  return [
    `${b.id}  occurred ${b.occurredOn}, discovered ${b.discoveredOn}, recorded ${times.when(b.recordedAt, libraryId)} by ${b.recordedBy}`,
    `  categories: ${b.categories.join(', ')}; scope: ${b.scope}`,
    `  patrons ${b.patronsAffected}, notices queued ${b.noticesQueued}, letters ${b.letters}; sent ${b.sent}, failed ${b.failed}, waiting ${b.waiting}, posted ${b.posted}`,
  ].join('\n');
}

function describeDelivery(d: DeliveryCounts): string {
  return `sent ${d.sent}, to retry later ${d.retry}, failed ${d.failed}, cancelled ${d.cancelled}`;
}

function describePlan(p: PlanCounts & { policyChanged: number }): string {
  return `due soon ${p.dueSoon}, overdue ${p.overdue}, billed as lost ${p.longOverdue}, cards expiring ${p.cardExpiring}, guardians ${p.guardian}, policy changed ${p.policyChanged}`;
}

/** `carrel notices list|preview|send-due|retry|letters|posted|template|settings` and `carrel breach record|list`. */
export function registerNoticesCommands(program: Command, helpers: CommandHelpers): void {
  const { runAs, runWithTimes, withRuntime, globals, asOf, config } = helpers;
  const notices = program.command('notices').description(tr.t('cli.notices.help'));

  notices
    .command('list')
    .description(tr.t('cli.notices.list.help'))
    .requiredOption('--library <id>', 'the library')
    .option('--status <list>', `only these statuses (${NOTICE_STATUSES.join(', ')})`)
    .option('--kind <list>', `only these kinds (${NOTICE_KINDS.join(', ')})`)
    .option('--limit <n>', 'at most this many (1 to 1000; default 100)')
    .action(async (o: { library: string; status?: string; kind?: string; limit?: string }, command: Command) => {
      const opts = globals(command);
      const status = listOf(o.status, NOTICE_STATUSES, 'status');
      const kind = listOf(o.kind, NOTICE_KINDS, 'kind');
      const limit = wholeNumber(o.limit, 'limit', 1);
      const { result: listed, times } = await runWithTimes(opts, 'notices')(listNotices, { libraryId: o.library, ...(status ? { status } : {}), ...(kind ? { kind } : {}), ...(limit !== undefined ? { limit } : {}) });
      emit(opts.json, { notices: listed }, () => (listed.length === 0 ? 'No notices.' : listed.map((n) => describeNotice(n, times, o.library)).join('\n')));
    });

  notices
    .command('preview')
    .description(tr.t('cli.notices.preview.help'))
    .requiredOption('--library <id>', 'the library')
    .addOption(new Option('--kind <kind>', 'the kind of notice').choices([...NOTICE_KINDS]).makeOptionMandatory())
    .addOption(new Option('--language <language>', 'the language (default: the library’s)').choices([...NOTICE_LANGUAGES]))
    .option('--subject <text>', 'a draft subject')
    .option('--body-file <file>', 'a file holding a draft body')
    .action(async (o: { library: string; kind: string; language?: string; subject?: string; bodyFile?: string }, command: Command) => {
      const opts = globals(command);
      const body = o.bodyFile === undefined ? undefined : fileText(o.bodyFile, 'body-file');
      const preview = await withRuntime(opts, false, async (runtime) => {
        const act = systemRun(runtime, 'administration');
        const language = o.language ?? (await act(readNoticeSettings, { libraryId: o.library })).defaultLanguage;
        return act(previewNotice, { libraryId: o.library, kind: o.kind, language, ...(o.subject !== undefined ? { subject: o.subject } : {}), ...(body !== undefined ? { body } : {}) });
      });
      emit(opts.json, preview, () =>
        [
          `Subject: ${preview.subject}`,
          '',
          preview.body.trimEnd(),
          ...(preview.problems.length > 0 ? ['', 'Saving this template would be refused:', ...preview.problems.map((p) => `  ${ErrorCode.TEMPLATE_FIELD_NOT_ALLOWED}/${p.field}: ${p.message}`)] : []),
        ].join('\n'),
      );
    });

  notices
    .command('send-due')
    .description(tr.t('cli.notices.sendDue.help'))
    .option('--library <id>', 'plan only this library (delivery sends whatever is due)')
    .addOption(asOf())
    .action(async (o: { library?: string }, command: Command) => {
      const opts = globals(command);
      const result = await withRuntime(opts, false, async (runtime) => {
        const caller: Caller = { actor: SYSTEM, purpose: 'notices', channel: 'cli' };
        const libraries = await run(runtime, { ...caller, purpose: 'administration' }, scheduledLibraries, o.library !== undefined ? { libraryId: o.library } : {});
        const planned: PlanCounts & { policyChanged: number } = { dueSoon: 0, overdue: 0, longOverdue: 0, cardExpiring: 0, guardian: 0, policyChanged: 0 };
        for (const library of libraries) {
          const counts = await run(runtime, caller, planNotices, { libraryId: library.id });
          for (const key of Object.keys(counts) as (keyof PlanCounts)[]) planned[key] += counts[key];
          planned.policyChanged += (await announcePolicyChange(runtime, caller, library.id)).queued;
        }
        const configured = noticeChannelsFromEnvironment();
        try {
          const channels = (['email', 'text'] as const).filter((c) => configured.channels[c] !== undefined);
          if (channels.length === 0) {
            // Nothing can go: say how many wait, and fail only when some do (a cron line then alerts someone).
            let waiting = 0;
            for (const library of libraries)
              for (const c of await run(runtime, caller, noticeCounts, { libraryId: library.id })) if (c.status === 'queued' && c.channel !== 'letter') waiting += c.count;
            return { planned, delivered: null, waiting, channels: configured.describe };
          }
          const delivered = await deliverNotices(runtime, configured.channels, { runner: `cli:${hostname()}:${process.pid}`, publicUrl: config.publicUrl ?? 'http://127.0.0.1:8080' });
          return { planned, delivered, waiting: 0, channels: configured.describe };
        } finally {
          await configured.close();
        }
      });
      if (result.delivered === null && result.waiting > 0)
        throw refuse(
          ErrorCode.NOTICE_CHANNEL_NOT_CONFIGURED,
          `No notice channel is configured (CARREL_SMTP_URL, CARREL_TEXT_WEBHOOK_URL or CARREL_TEXT_EMAIL_GATEWAY): ${result.waiting} notice(s) wait in the queue. Planned now: ${describePlan(result.planned)}.`,
        );
      emit(opts.json, result, () =>
        [
          `Planned: ${describePlan(result.planned)}.`,
          result.delivered === null
            ? 'No notice channel is configured (CARREL_SMTP_URL, CARREL_TEXT_WEBHOOK_URL or CARREL_TEXT_EMAIL_GATEWAY); nothing is due.'
            : `Delivered (email: ${result.channels.email ?? 'not configured'}; text: ${result.channels.text ?? 'not configured'}): ${describeDelivery(result.delivered)}.`,
        ].join('\n'),
      );
    });

  notices
    .command('retry')
    .description(tr.t('cli.notices.retry.help'))
    .option('--notice <id>', 'the notice')
    .option('--library <id>', 'the library (with --all-failed)')
    .option('--all-failed', 'every failed notice of the library')
    .addOption(asOf())
    .action(async (o: { notice?: string; library?: string; allFailed?: boolean }, command: Command) => {
      const opts = globals(command);
      if (o.notice !== undefined && o.library === undefined && o.allFailed !== true) {
        const retried = await runAs(opts, 'notices')(retryNotice, { noticeId: o.notice });
        return emit(opts.json, retried, () => `Notice ${retried.id} (${retried.kind}, ${retried.channel}) is queued again; the next send-due sends it.`);
      }
      if (o.notice === undefined && o.library !== undefined && o.allFailed === true) {
        const retried = await runAs(opts, 'notices')(retryFailedNotices, { libraryId: o.library });
        return emit(opts.json, retried, () => `${retried.retried} failed notice(s) queued again.`);
      }
      throw refuse(ErrorCode.VALIDATION_FAILED, 'Give either --notice ID, or --library ID with --all-failed.', 'notice');
    });

  notices
    .command('letters')
    .description(tr.t('cli.notices.letters.help'))
    .requiredOption('--library <id>', 'the library')
    .action(async (o: { library: string }, command: Command) => {
      const opts = globals(command);
      const { result: letters, times } = await runWithTimes(opts, 'notices')(lettersToPost, { libraryId: o.library, ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}) });
      emit(opts.json, { letters }, () => describeLetters(letters, times, o.library));
    });

  notices
    .command('posted')
    .description(tr.t('cli.notices.posted.help'))
    .requiredOption('--notice <id>', 'the letter’s notice id')
    .addOption(asOf())
    .action(async (o: { notice: string }, command: Command) => {
      const opts = globals(command);
      const posted = await runAs(opts, 'notices')(markLetterPosted, { noticeId: o.notice });
      emit(opts.json, posted, () => `Letter ${posted.id} marked posted.`);
    });

  const template = notices.command('template').description(tr.t('cli.notices.template.help'));
  template
    .command('set')
    .description(tr.t('cli.notices.template.set.help'))
    .requiredOption('--library <id>', 'the library')
    .addOption(new Option('--kind <kind>', 'the kind of notice').choices([...NOTICE_KINDS]).makeOptionMandatory())
    .addOption(new Option('--language <language>', 'the language').choices([...NOTICE_LANGUAGES]).makeOptionMandatory())
    .requiredOption('--subject <text>', 'the subject ({{field}}s allowed)')
    .requiredOption('--body-file <file>', 'a file holding the plain-text body')
    .action(async (o: { library: string; kind: string; language: string; subject: string; bodyFile: string }, command: Command) => {
      const opts = globals(command);
      const body = fileText(o.bodyFile, 'body-file');
      const saved = await runAs(opts, 'administration')(saveNoticeTemplate, { libraryId: o.library, kind: o.kind, language: o.language, subject: o.subject, body });
      emit(opts.json, saved, () => `Template saved.\n${describeTemplate(saved, true)}`);
    });
  template
    .command('reset')
    .description(tr.t('cli.notices.template.reset.help'))
    .requiredOption('--library <id>', 'the library')
    .addOption(new Option('--kind <kind>', 'the kind of notice').choices([...NOTICE_KINDS]).makeOptionMandatory())
    .addOption(new Option('--language <language>', 'the language').choices([...NOTICE_LANGUAGES]).makeOptionMandatory())
    .action(async (o: { library: string; kind: string; language: string }, command: Command) => {
      const opts = globals(command);
      const reset = await runAs(opts, 'administration')(resetNoticeTemplate, { libraryId: o.library, kind: o.kind, language: o.language });
      emit(opts.json, reset, () => `Template reset.\n${describeTemplate(reset, true)}`);
    });
  template
    .command('list')
    .description(tr.t('cli.notices.template.list.help'))
    .requiredOption('--library <id>', 'the library')
    .option('--full', 'print each body and the fields it may use')
    .action(async (o: { library: string; full?: boolean }, command: Command) => {
      const opts = globals(command);
      const templates = await runAs(opts, 'administration')(listNoticeTemplates, { libraryId: o.library });
      emit(opts.json, { templates }, () => templates.map((t) => describeTemplate(t, o.full === true)).join(o.full ? '\n\n' : '\n'));
    });

  notices
    .command('settings')
    .description(tr.t('cli.notices.settings.help'))
    .option('--library <id>', 'the library (default: every library, to show)')
    .option('--due-soon-days <n>', 'due-soon notices this many days before the due date (0: none)')
    .option('--overdue-days <list>', 'overdue notices at these days after the due date, up to three (e.g. 1,8,15; "none")')
    .option('--card-expiring-days <n>', 'card-expiring notices this many days before the card expires (0: none)')
    .option('--from <address>', 'the From address of the library’s email ("none": the installation’s)')
    .option('--portal-url <url>', 'the portal address for links ("none": Carrel’s public address)')
    .addOption(new Option('--language <language>', 'the language of a patron who chose none').choices([...NOTICE_LANGUAGES]))
    .action(async (o: { library?: string; dueSoonDays?: string; overdueDays?: string; cardExpiringDays?: string; from?: string; portalUrl?: string; language?: string }, command: Command) => {
      const opts = globals(command);
      const days = (text: string | undefined) => (text === undefined ? undefined : text.trim() === '' ? Number.NaN : Number(text));
      const change: Partial<NoticeSettings> = {};
      if (o.dueSoonDays !== undefined) change.dueSoonDays = days(o.dueSoonDays) as number;
      if (o.cardExpiringDays !== undefined) change.cardExpiringDays = days(o.cardExpiringDays) as number;
      if (o.overdueDays !== undefined) change.overdueDays = o.overdueDays.trim() === 'none' ? [] : o.overdueDays.split(',').map((d) => days(d) as number);
      if (o.from !== undefined) change.fromAddress = o.from === 'none' ? null : o.from;
      if (o.portalUrl !== undefined) change.portalUrl = o.portalUrl === 'none' ? null : o.portalUrl;
      if (o.language !== undefined) change.defaultLanguage = o.language as NoticeSettings['defaultLanguage'];
      const shown = await withRuntime(opts, false, async (runtime) => {
        const act = systemRun(runtime, 'administration');
        const libraries = await act(scheduledLibraries, o.library !== undefined ? { libraryId: o.library } : {});
        if (Object.keys(change).length > 0) {
          if (libraries.length !== 1) throw refuse(ErrorCode.VALIDATION_FAILED, 'Name the library whose settings change: --library ID.', 'library');
          const libraryId = (libraries[0] as { id: string }).id;
          return [{ libraryId, changed: true, settings: await act(updateNoticeSettings, { libraryId, ...change }) }];
        }
        const all = [];
        for (const l of libraries) all.push({ libraryId: l.id, changed: false, settings: await act(readNoticeSettings, { libraryId: l.id }) });
        return all;
      });
      emit(opts.json, o.library !== undefined || shown.some((s) => s.changed) ? shown[0] : { libraries: shown }, () =>
        shown.length === 0 ? 'No libraries.' : `${shown.some((s) => s.changed) ? 'Notice settings changed.\n' : ''}${shown.map((s) => describeSettings(s.libraryId, s.settings)).join('\n')}`,
      );
    });

  const breach = program.command('breach').description(tr.t('cli.breach.help'));
  breach
    .command('record')
    .description(tr.t('cli.breach.record.help'))
    .requiredOption('--library <id>', 'the library')
    .requiredOption('--occurred <date>', 'when it happened (YYYY-MM-DD)')
    .requiredOption('--discovered <date>', 'when the library found out (YYYY-MM-DD)')
    .requiredOption('--categories <list>', 'the record categories exposed, comma-separated (registration,circulation,…)')
    .option('--all', 'every patron of the library was affected')
    .option('--cards-file <file>', 'a file of the affected patrons’ card numbers, one a line')
    .requiredOption('--description <text>', 'what happened (for the register; not sent)')
    .requiredOption('--actions <text>', 'what the library is doing (patrons are told this)')
    .addOption(asOf())
    .action(
      async (o: { library: string; occurred: string; discovered: string; categories: string; all?: boolean; cardsFile?: string; description: string; actions: string }, command: Command) => {
        const opts = globals(command);
        if ((o.all === true) === (o.cardsFile !== undefined)) throw refuse(ErrorCode.VALIDATION_FAILED, 'Say who was affected: --all, or --cards-file FILE (not both).', 'scope');
        const cardNumbers = o.cardsFile === undefined ? undefined : fileText(o.cardsFile, 'cards-file').split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
        const categories = o.categories.split(',').map((c) => c.trim()).filter((c) => c !== '');
        const recorded = await withRuntime(opts, false, (runtime) =>
          notifyBreach(runtime, { actor: SYSTEM, purpose: 'notices', channel: 'cli' }, {
            libraryId: o.library,
            occurredOn: o.occurred,
            discoveredOn: o.discovered,
            categories,
            scope: o.all === true ? 'all' : 'listed',
            ...(cardNumbers ? { cardNumbers } : {}),
            description: o.description,
            actions: o.actions,
          }),
        );
        emit(opts.json, recorded, () =>
          [
            `Breach ${recorded.breach.id} recorded.`,
            `  patrons affected ${recorded.patrons}; notices queued ${recorded.queued} (sent by the next send-due); letters to post ${recorded.letters} (carrel notices letters --library ${o.library})`,
          ].join('\n'),
        );
      },
    );
  breach
    .command('list')
    .description(tr.t('cli.breach.list.help'))
    .requiredOption('--library <id>', 'the library')
    .action(async (o: { library: string }, command: Command) => {
      const opts = globals(command);
      const { result: breaches, times } = await runWithTimes(opts, 'notices')(listBreaches, { libraryId: o.library });
      emit(opts.json, { breaches }, () => (breaches.length === 0 ? 'No breaches recorded.' : breaches.map((b) => describeBreach(b, times, o.library)).join('\n')));
    });
}
