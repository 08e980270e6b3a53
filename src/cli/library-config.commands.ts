import { Option, type Command } from 'commander';
import { ErrorCode, refuse } from '../domain/errors.js';
import { parseAmount } from '../domain/money.js';
import { WEEKDAYS, type LoanRule, type OpeningHours, type Weekday } from '../domain/types.js';
import {
  addBranch,
  addCategory,
  addItemType,
  closeDays,
  editBranch,
  editCategory,
  editItemType,
  explainLoanRuleFor,
  listBranches,
  listCategories,
  listClosedDays,
  listItemTypes,
  listLoanRules,
  openDays,
  readLibrarySettings,
  removeLoanRule,
  setLoanRule,
  updateLibrarySettings,
  type BranchView,
  type CategoryView,
  type LibrarySettingsView,
  type UpdateSettingsInput,
} from '../usecases/library-config.usecases.js';
import { emit, money, tr } from './output.js';
import type { CommandHelpers } from './command-helpers.js';

/** A whole number given on the command line (a sign allowed: the use case says what range it takes). */
function integer(flag: string) {
  return (text: string): number => {
    if (!/^-?\d{1,9}$/.test(text.trim())) throw refuse(ErrorCode.VALIDATION_FAILED, `--${flag} takes a whole number.`, flag);
    return Number(text.trim());
  };
}

/**
 * A whole number, or `none` for "no limit". Commander turns a parser's null into '', so `none` stays a
 * word here and `orNull` makes it null where the command builds its input.
 */
function integerOrNone(flag: string) {
  const parse = integer(flag);
  return (text: string): number | 'none' => (text.trim() === 'none' ? 'none' : parse(text));
}

/** A flag's value with `none` as null (undefined stays undefined: the flag was not given). */
/** A comma-separated list (`en,es`), blanks dropped. */
function commaList(text: string): string[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/** `yes` or `no` as a boolean; anything else is refused before Carrel is asked. */
function yesNo(flag: string): (text: string) => boolean {
  return (text) => {
    if (text === 'yes') return true;
    if (text === 'no') return false;
    throw refuse(ErrorCode.VALIDATION_FAILED, `--${flag} takes yes or no.`, flag);
  };
}

function orNull<T>(value: T | 'none' | undefined): T | null | undefined {
  return value === 'none' ? null : value;
}

/** An amount such as 0.25 into cents; a leading minus is kept so the use case refuses it by name. */
function cents(flag: string) {
  return (text: string): number => {
    const negative = text.trim().startsWith('-');
    const value = parseAmount(negative ? text.trim().slice(1) : text);
    if (value === undefined) throw refuse(ErrorCode.INVALID_AMOUNT, `--${flag} takes an amount such as 2.50.`, flag);
    return negative ? -value : value;
  };
}

const DAY_RANGE = /^([a-z]{3})(?:-([a-z]{3}))?$/;

/**
 * Weekly hours from the command line: JSON (`{"mon":[["09:00","17:00"]]}`), or the short form
 * `mon-fri 09:00-17:00; sat 10:00-14:00; wed 09:00-12:00,13:00-19:00` (a later entry for a day
 * replaces an earlier one; `none` clears the hours). The use case checks the times.
 */
export function parseOpeningHours(text: string): OpeningHours {
  const trimmed = text.trim();
  const invalid = (message: string) => refuse(ErrorCode.INVALID_OPENING_HOURS, message, 'hours');
  if (trimmed === 'none' || trimmed === '') return {};
  if (trimmed.startsWith('{')) {
    try {
      return JSON.parse(trimmed) as OpeningHours;
    } catch {
      throw invalid('--hours is not valid JSON.');
    }
  }
  const hours: OpeningHours = {};
  for (const entry of trimmed.split(';').map((e) => e.trim()).filter(Boolean)) {
    const [days, periods, ...rest] = entry.split(/\s+/);
    const match = DAY_RANGE.exec(days ?? '');
    if (!match || !periods || rest.length > 0) throw invalid('Write --hours as "mon-fri 09:00-17:00; sat 10:00-14:00".');
    const from = WEEKDAYS.indexOf(match[1] as Weekday);
    const to = match[2] ? WEEKDAYS.indexOf(match[2] as Weekday) : from;
    if (from < 0 || to < from) throw invalid(`Name weekdays as ${WEEKDAYS.join(', ')}, a range in week order.`);
    const list = periods.split(',').map((p) => {
      const [opens, closes, ...more] = p.split('-');
      if (!opens || !closes || more.length > 0) throw invalid('A period is written 09:00-17:00.');
      return [opens, closes] as [string, string];
    });
    for (let i = from; i <= to; i++) hours[WEEKDAYS[i] as Weekday] = list;
  }
  return hours;
}

function describeHours(hours: OpeningHours): string {
  const days = WEEKDAYS.filter((d) => (hours[d] ?? []).length > 0);
  if (days.length === 0) return tr.t('cli.config.hours.none');
  // Weekdays are written as --hours takes them (mon, tue, …), in every language.
  return days.map((d) => `${d} ${(hours[d] ?? []).map(([o, c]) => `${o}-${c}`).join(',')}`).join('; ');
}

function describeBranch(b: BranchView): string {
  return `${b.code.padEnd(12)} ${b.name}${b.address ? `, ${b.address}` : ''}\n${' '.repeat(13)}${describeHours(b.openingHours)}`;
}

function describeCategory(c: CategoryView): string {
  const ages = c.minAge === null && c.maxAge === null ? tr.t('cli.config.category.anyAge') : tr.t('cli.config.category.ages', { min: c.minAge ?? 0, max: c.maxAge ?? '…' });
  const validity = c.cardValidityMonths === null ? tr.t('cli.config.category.libraryValidity') : tr.t('cli.config.category.validity', { months: c.cardValidityMonths });
  const loans = c.maxLoans === null ? tr.t('cli.config.category.noLoanLimit') : tr.t('cli.config.category.loanLimit', { loans: c.maxLoans });
  return `${c.code.padEnd(12)} ${c.name} (${ages}; ${validity}; ${loans})`;
}

function describeRule(r: LoanRule): string {
  const cell = `${r.branch} × ${r.patronCategory} × ${r.itemType}`;
  const terms =
    r.loanDays === 0
      ? tr.t('cli.config.rule.notForLoan')
      : tr.t('cli.config.rule.terms', { days: r.loanDays, renewals: r.renewals, fine: money(r.finePerDayCents), maxFine: money(r.maxFineCents) });
  const holds = !r.holdable
    ? tr.t('cli.config.rule.notHoldable')
    : r.holdPickupDays === null
      ? tr.t('cli.config.rule.holdable')
      : tr.t('cli.config.rule.holdableWithin', { days: r.holdPickupDays });
  return `${cell.padEnd(32)} ${terms}; ${holds}`;
}

function describeSettings(s: LibrarySettingsView): string {
  return [
    tr.t('cli.config.settings.heading', { name: s.name, library: s.libraryId, timeZone: s.timeZone, profile: s.profileId }),
    `  ${tr.t('cli.config.settings.holdPickupDays', { days: s.holdPickupDays })}`,
    `  ${tr.t('cli.config.settings.maxBalance', { amount: money(s.maxBalanceCents) })}`,
    `  ${s.maxOverdueItems === null ? tr.t('cli.config.settings.maxOverdueNone') : tr.t('cli.config.settings.maxOverdue', { items: s.maxOverdueItems })}`,
    `  ${tr.t('cli.config.settings.lostCharge', { amount: money(s.defaultLostChargeCents) })}`,
    `  ${tr.t('cli.config.settings.processingFee', { amount: money(s.processingFeeCents) })}`,
    `  ${s.longOverdueDays === null ? tr.t('cli.config.settings.longOverdueNever') : tr.t('cli.config.settings.longOverdue', { days: s.longOverdueDays })}`,
    `  ${tr.t('cli.config.settings.cardValidity', { months: s.cardValidityMonths })}`,
    `  ${tr.t('cli.config.settings.languages', { default: s.defaultLanguage, offered: s.offeredLanguages.join(', ') })}`,
    `  ${tr.t('cli.config.settings.paymentMethods', { methods: s.paymentMethods.join(', ') })}`,
    `  ${tr.t('cli.config.settings.slip', { header: s.slipHeader ?? '—', footer: s.slipFooter ?? '—', titles: String(s.slipTitles) })}`,
    `  ${tr.t('cli.config.settings.legacyPinDays', { days: s.legacyPinDays })}`,
    `  ${tr.t('cli.config.settings.identifyLimit', { patron: s.identifyPatronFailures, staff: s.identifyStaffFailures, minutes: s.identifyWindowMinutes })}`,
  ].join('\n');
}

/**
 * `carrel branch|calendar|category|item-type|loan-rule …` and `carrel library settings`: the library's
 * configuration as data (issue 15), run as the operator (the system actor); each change is logged in the
 * library's chain of the access log.
 */
export function registerLibraryConfigCommands(program: Command, helpers: CommandHelpers): void {
  const { runAs, globals, asOf } = helpers;
  const library = () => new Option('--library <id>', tr.t('cli.option.libraryId')).makeOptionMandatory();

  // ---- library settings (the `library` command is made by administration.commands.ts: `library add`)
  const libraryCommand = program.commands.find((c) => c.name() === 'library') ?? program.command('library').description(tr.t('cli.library.help'));
  libraryCommand
    .command('settings')
    .description(tr.t('cli.config.settings.help'))
    .addOption(library())
    .option('--name <name>', 'the library’s name')
    .option('--time-zone <zone>', 'IANA time zone for due dates')
    .option('--hold-pickup-days <n>', 'days a trapped hold waits on the shelf', integer('hold-pickup-days'))
    .option('--max-balance <amount>', 'borrowing stops when a patron owes more than this, e.g. 10.00', cents('max-balance'))
    .option('--max-overdue-items <n|none>', 'borrowing stops at this many overdue items (none: never)', integerOrNone('max-overdue-items'))
    .option('--lost-charge <amount>', 'default charge for a lost item without a replacement cost', cents('lost-charge'))
    .option('--processing-fee <amount>', 'added to the charge for a lost item', cents('processing-fee'))
    .option('--long-overdue-days <n|none>', 'days past due before an item still out is declared lost (none: never)', integerOrNone('long-overdue-days'))
    .option('--card-validity-months <n>', 'months a card stays valid (a category may differ)', integer('card-validity-months'))
    .option('--default-language <code>', 'the language of a page when nobody chose one (en, es, …)')
    .option('--languages <codes>', 'the languages offered, comma-separated (en,es)', commaList)
    .option('--payment-methods <methods>', 'how the desk takes payments, comma-separated, the default first (cash,check,card)', commaList)
    .option('--slip-header <text|none>', 'printed at the top of a receipt or due-date slip (none: nothing)')
    .option('--slip-footer <text|none>', 'printed at the bottom of a receipt or due-date slip (none: nothing)')
    .option('--slip-titles <yes|no>', 'whether a due-date slip prints titles (no: barcodes only)', yesNo('slip-titles'))
    .option('--legacy-pin-days <n>', 'days an imported PIN hash in an old scheme waits for its first log-in before it is dropped', integer('legacy-pin-days'))
    .option('--identify-patron-failures <n>', 'refused identifications by photo ID and birth date allowed per patron in the window', integer('identify-patron-failures'))
    .option('--identify-staff-failures <n>', 'refused identifications by photo ID and birth date allowed per staff account in the window', integer('identify-staff-failures'))
    .option('--identify-window-minutes <n>', 'the window the identification limits count in, in minutes', integer('identify-window-minutes'))
    .addOption(asOf())
    .action(async (o: Record<string, unknown> & { library: string }, command: Command) => {
      const opts = globals(command);
      const keys = ['name', 'timeZone', 'holdPickupDays', 'maxBalance', 'maxOverdueItems', 'lostCharge', 'processingFee', 'longOverdueDays', 'cardValidityMonths', 'defaultLanguage', 'languages', 'paymentMethods', 'slipHeader', 'slipFooter', 'slipTitles', 'legacyPinDays', 'identifyPatronFailures', 'identifyStaffFailures', 'identifyWindowMinutes'];
      const change: UpdateSettingsInput = { libraryId: o.library };
      const rename: Record<string, string> = { maxBalance: 'maxBalanceCents', lostCharge: 'defaultLostChargeCents', processingFee: 'processingFeeCents', languages: 'offeredLanguages' };
      for (const key of keys) if (o[key] !== undefined) (change as unknown as Record<string, unknown>)[rename[key] ?? key] = orNull(o[key]);
      const changing = Object.keys(change).length > 1;
      const settings = changing ? await runAs(opts, 'administration')(updateLibrarySettings, change) : await runAs(opts, 'administration')(readLibrarySettings, { libraryId: o.library });
      emit(opts.json, settings, () => (changing ? `${tr.t('cli.config.settings.changed')}\n${describeSettings(settings)}` : describeSettings(settings)));
    });

  // ---- branches
  const branch = program.command('branch').description(tr.t('cli.config.branch.help'));
  branch
    .command('list')
    .description(tr.t('cli.config.branch.list.help'))
    .addOption(library())
    .action(async (o: { library: string }, command: Command) => {
      const opts = globals(command);
      const branches = await runAs(opts, 'administration')(listBranches, { libraryId: o.library });
      emit(opts.json, branches, () => branches.map(describeBranch).join('\n'));
    });
  branch
    .command('add')
    .description(tr.t('cli.config.branch.add.help'))
    .addOption(library())
    .requiredOption('--code <code>', 'short code: lower-case letters, digits, hyphens')
    .requiredOption('--name <name>', 'the branch’s name')
    .option('--address <address>', 'street address')
    .option('--hours <hours>', 'opening hours: "mon-fri 09:00-17:00; sat 10:00-14:00" or JSON', parseOpeningHours)
    .addOption(asOf())
    .action(async (o: { library: string; code: string; name: string; address?: string; hours?: OpeningHours }, command: Command) => {
      const opts = globals(command);
      const added = await runAs(opts, 'administration')(addBranch, {
        libraryId: o.library,
        code: o.code,
        name: o.name,
        ...(o.address !== undefined ? { address: o.address } : {}),
        ...(o.hours !== undefined ? { openingHours: o.hours } : {}),
      });
      emit(opts.json, added, () => `${tr.t('cli.config.branch.added', { code: added.code })}\n${describeBranch(added)}`);
    });
  branch
    .command('edit')
    .description(tr.t('cli.config.branch.edit.help'))
    .addOption(library())
    .requiredOption('--code <code>', 'the branch’s code')
    .option('--name <name>', 'new name')
    .option('--address <address>', 'new address ("" clears it)')
    .option('--hours <hours>', 'new opening hours ("none" clears them)', parseOpeningHours)
    .addOption(asOf())
    .action(async (o: { library: string; code: string; name?: string; address?: string; hours?: OpeningHours }, command: Command) => {
      const opts = globals(command);
      const edited = await runAs(opts, 'administration')(editBranch, {
        libraryId: o.library,
        code: o.code,
        ...(o.name !== undefined ? { name: o.name } : {}),
        ...(o.address !== undefined ? { address: o.address === '' ? null : o.address } : {}),
        ...(o.hours !== undefined ? { openingHours: o.hours } : {}),
      });
      emit(opts.json, edited, () => `${tr.t('cli.config.branch.changed', { code: edited.code })}\n${describeBranch(edited)}`);
    });

  // ---- calendar
  const calendar = program.command('calendar').description(tr.t('cli.config.calendar.help'));
  calendar
    .command('list')
    .description(tr.t('cli.config.calendar.list.help'))
    .addOption(library())
    .option('--from <date>', 'only ranges ending on or after this date (YYYY-MM-DD)')
    .action(async (o: { library: string; from?: string }, command: Command) => {
      const opts = globals(command);
      const days = await runAs(opts, 'administration')(listClosedDays, { libraryId: o.library, ...(o.from !== undefined ? { from: o.from } : {}) });
      emit(opts.json, days, () =>
        days.length === 0
          ? tr.t('cli.config.calendar.none')
          : days
              .map((d) => {
                const when = d.endsOn === d.startsOn ? d.startsOn : tr.t('cli.config.calendar.range', { from: d.startsOn, to: d.endsOn });
                return `${d.id}  ${when}  ${d.branch ?? tr.t('cli.config.calendar.allBranches')}: ${d.reason}`;
              })
              .join('\n'),
      );
    });
  calendar
    .command('close')
    .description(tr.t('cli.config.calendar.close.help'))
    .addOption(library())
    .requiredOption('--branch <code|all>', 'the branch’s code, or all')
    .requiredOption('--from <date>', 'first closed day (YYYY-MM-DD)')
    .requiredOption('--to <date>', 'last closed day (YYYY-MM-DD)')
    .requiredOption('--reason <text>', 'why: a holiday, a closure')
    .addOption(asOf())
    .action(async (o: { library: string; branch: string; from: string; to: string; reason: string }, command: Command) => {
      const opts = globals(command);
      const closed = await runAs(opts, 'administration')(closeDays, { libraryId: o.library, branch: o.branch === 'all' ? null : o.branch, startsOn: o.from, endsOn: o.to, reason: o.reason });
      emit(opts.json, closed, () =>
        closed.branch === null
          ? tr.t('cli.config.calendar.closedAll', { from: closed.startsOn, to: closed.endsOn, reason: closed.reason, id: closed.id })
          : tr.t('cli.config.calendar.closed', { branch: closed.branch, from: closed.startsOn, to: closed.endsOn, reason: closed.reason, id: closed.id }));
    });
  calendar
    .command('open')
    .description(tr.t('cli.config.calendar.open.help'))
    .addOption(library())
    .requiredOption('--id <id>', 'the range’s id')
    .addOption(asOf())
    .action(async (o: { library: string; id: string }, command: Command) => {
      const opts = globals(command);
      const opened = await runAs(opts, 'administration')(openDays, { libraryId: o.library, id: o.id });
      emit(opts.json, opened, () => tr.t('cli.config.calendar.opened', { id: opened.removed }));
    });

  // ---- patron categories
  const categoryFlags = (c: Command) =>
    c
      .option('--min-age <n|none>', 'youngest age of the category', integerOrNone('min-age'))
      .option('--max-age <n|none>', 'oldest age of the category', integerOrNone('max-age'))
      .option('--card-validity-months <n|none>', 'months a card stays valid (none: the library’s)', integerOrNone('card-validity-months'))
      .option('--max-loans <n|none>', 'most items out at once (none: no limit)', integerOrNone('max-loans'));
  type CategoryFlags = { library: string; code: string; name?: string; minAge?: number | 'none'; maxAge?: number | 'none'; cardValidityMonths?: number | 'none'; maxLoans?: number | 'none' };
  const categoryFields = (o: CategoryFlags) => ({
    ...(o.name !== undefined ? { name: o.name } : {}),
    ...(o.minAge !== undefined ? { minAge: orNull(o.minAge) ?? null } : {}),
    ...(o.maxAge !== undefined ? { maxAge: orNull(o.maxAge) ?? null } : {}),
    ...(o.cardValidityMonths !== undefined ? { cardValidityMonths: orNull(o.cardValidityMonths) ?? null } : {}),
    ...(o.maxLoans !== undefined ? { maxLoans: orNull(o.maxLoans) ?? null } : {}),
  });
  const category = program.command('category').description(tr.t('cli.config.category.help'));
  category
    .command('list')
    .description(tr.t('cli.config.category.list.help'))
    .addOption(library())
    .action(async (o: { library: string }, command: Command) => {
      const opts = globals(command);
      const categories = await runAs(opts, 'administration')(listCategories, { libraryId: o.library });
      emit(opts.json, categories, () => categories.map(describeCategory).join('\n'));
    });
  categoryFlags(
    category.command('add').description(tr.t('cli.config.category.add.help')).addOption(library()).requiredOption('--code <code>', 'short code').requiredOption('--name <name>', 'the category’s name'),
  )
    .addOption(asOf())
    .action(async (o: CategoryFlags & { name: string }, command: Command) => {
      const opts = globals(command);
      const added = await runAs(opts, 'administration')(addCategory, { libraryId: o.library, code: o.code, ...categoryFields(o), name: o.name });
      emit(opts.json, added, () => `${tr.t('cli.config.category.added')}\n${describeCategory(added)}`);
    });
  categoryFlags(category.command('edit').description(tr.t('cli.config.category.edit.help')).addOption(library()).requiredOption('--code <code>', 'the category’s code').option('--name <name>', 'new name'))
    .addOption(asOf())
    .action(async (o: CategoryFlags, command: Command) => {
      const opts = globals(command);
      const edited = await runAs(opts, 'administration')(editCategory, { libraryId: o.library, code: o.code, ...categoryFields(o) });
      emit(opts.json, edited, () => `${tr.t('cli.config.category.changed')}\n${describeCategory(edited)}`);
    });

  // ---- item types
  const itemType = program.command('item-type').description(tr.t('cli.config.itemType.help'));
  itemType
    .command('list')
    .description(tr.t('cli.config.itemType.list.help'))
    .addOption(library())
    .action(async (o: { library: string }, command: Command) => {
      const opts = globals(command);
      const types = await runAs(opts, 'administration')(listItemTypes, { libraryId: o.library });
      emit(opts.json, types, () => types.map((t) => `${t.code.padEnd(12)} ${t.name}`).join('\n'));
    });
  for (const [verb, useCase, about] of [
    ['add', addItemType, tr.t('cli.config.itemType.add.help')],
    ['edit', editItemType, tr.t('cli.config.itemType.edit.help')],
  ] as const)
    itemType
      .command(verb)
      .description(about)
      .addOption(library())
      .requiredOption('--code <code>', 'short code')
      .requiredOption('--name <name>', 'the type’s name')
      .addOption(asOf())
      .action(async (o: { library: string; code: string; name: string }, command: Command) => {
        const opts = globals(command);
        const type = await runAs(opts, 'administration')(useCase, { libraryId: o.library, code: o.code, name: o.name });
        emit(opts.json, type, () => tr.t('cli.config.itemType.done', { code: type.code, name: type.name }));
      });

  // ---- the circulation matrix
  const cell = (c: Command) =>
    c
      .addOption(library())
      .requiredOption('--category <code|*>', 'patron category, or * for any')
      .requiredOption('--type <code|*>', 'item type, or * for any')
      .option('--branch <code|*>', 'the item’s branch, or * for any', '*');
  const loanRule = program.command('loan-rule').description(tr.t('cli.config.rule.help'));
  loanRule
    .command('list')
    .description(tr.t('cli.config.rule.list.help'))
    .addOption(library())
    .action(async (o: { library: string }, command: Command) => {
      const opts = globals(command);
      const rules = await runAs(opts, 'administration')(listLoanRules, { libraryId: o.library });
      emit(opts.json, rules, () => rules.map(describeRule).join('\n'));
    });
  cell(loanRule.command('set').description(tr.t('cli.config.rule.set.help')))
    .requiredOption('--loan-days <n>', 'days a loan lasts (0: not for loan)', integer('loan-days'))
    .requiredOption('--renewals <n>', 'renewals allowed', integer('renewals'))
    .requiredOption('--fine-per-day <amount>', 'overdue fine per day, e.g. 0.25', cents('fine-per-day'))
    .requiredOption('--max-fine <amount>', 'most an overdue item is fined, e.g. 5.00', cents('max-fine'))
    .option('--holdable', 'items may be placed on hold (the default)')
    .option('--not-holdable', 'items may not be placed on hold')
    .option('--hold-pickup-days <n|none>', 'days a trapped hold waits (none: the library’s)', integerOrNone('hold-pickup-days'))
    .addOption(asOf())
    .action(
      async (
        o: { library: string; category: string; type: string; branch: string; loanDays: number; renewals: number; finePerDay: number; maxFine: number; holdable?: boolean; notHoldable?: boolean; holdPickupDays?: number | 'none' },
        command: Command,
      ) => {
        const opts = globals(command);
        if (o.holdable && o.notHoldable) throw refuse(ErrorCode.VALIDATION_FAILED, 'Give --holdable or --not-holdable, not both.', 'holdable');
        const rule = await runAs(opts, 'administration')(setLoanRule, {
          libraryId: o.library,
          branch: o.branch,
          patronCategory: o.category,
          itemType: o.type,
          loanDays: o.loanDays,
          renewals: o.renewals,
          finePerDayCents: o.finePerDay,
          maxFineCents: o.maxFine,
          holdable: !o.notHoldable,
          holdPickupDays: orNull(o.holdPickupDays) ?? null,
        });
        emit(opts.json, rule, () => tr.t('cli.config.rule.setDone', { rule: describeRule(rule) }));
      },
    );
  cell(loanRule.command('remove').description(tr.t('cli.config.rule.remove.help')))
    .addOption(asOf())
    .action(async (o: { library: string; category: string; type: string; branch: string }, command: Command) => {
      const opts = globals(command);
      const removed = await runAs(opts, 'administration')(removeLoanRule, { libraryId: o.library, branch: o.branch, patronCategory: o.category, itemType: o.type });
      emit(opts.json, removed, () => tr.t('cli.config.rule.removed', { branch: removed.removed.branch, category: removed.removed.patronCategory, type: removed.removed.itemType }));
    });
  loanRule
    .command('explain')
    .description(tr.t('cli.config.rule.explain.help'))
    .addOption(library())
    .requiredOption('--category <code>', 'the patron’s category')
    .requiredOption('--type <code>', 'the item’s type')
    .requiredOption('--branch <code>', 'the item’s branch')
    .action(async (o: { library: string; category: string; type: string; branch: string }, command: Command) => {
      const opts = globals(command);
      const explained = await runAs(opts, 'administration')(explainLoanRuleFor, { libraryId: o.library, branch: o.branch, patronCategory: o.category, itemType: o.type });
      emit(opts.json, explained, () =>
        [
          explained.reason,
          ...(explained.applied ? [tr.t('cli.config.rule.applied', { rule: describeRule(explained.applied) })] : []),
          ...(explained.matches.length > 1
            ? [tr.t('cli.config.rule.matches'), ...explained.matches.map((m) => `  ${tr.t('cli.config.rule.match', { rule: describeRule(m.rule), specificity: m.specificity })}`)]
            : []),
        ].join('\n'),
      );
    });
}
