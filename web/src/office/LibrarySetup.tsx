import { useState, type FormEvent, type ReactNode } from 'react';
import { api, query } from '../api';
import { AVAILABLE_LANGUAGES, languageName, t, tRich, useT, type MessageId } from '../i18n';
import { useSession } from '../session';
import { Checkbox, ErrorMessage, Field, Notice, Page, Select, Table, TextArea, aboutField, money, useAction, useLoad } from '../ui/components';
import { useLibrary } from './common';
import type { BranchRow, CategoryRow, ClosedDaysRow, ItemTypeRow, LibrarySettings, LoanRuleExplanation, LoanRuleRow } from '../../../src/http/schemas/library-config';

/**
 * The library's own circulation policy, as data (issue 15): its settings, branches and their weekly
 * hours, closed days and holidays, patron categories, item types and the circulation matrix, with an
 * explanation of which rule a loan gets. Staff holding library.read see it; administrators change it.
 */

const WEEKDAYS: { code: string; name: MessageId; short: MessageId }[] = [
  { code: 'mon', name: 'setup.weekday.mon', short: 'setup.weekday.mon.short' },
  { code: 'tue', name: 'setup.weekday.tue', short: 'setup.weekday.tue.short' },
  { code: 'wed', name: 'setup.weekday.wed', short: 'setup.weekday.wed.short' },
  { code: 'thu', name: 'setup.weekday.thu', short: 'setup.weekday.thu.short' },
  { code: 'fri', name: 'setup.weekday.fri', short: 'setup.weekday.fri.short' },
  { code: 'sat', name: 'setup.weekday.sat', short: 'setup.weekday.sat.short' },
  { code: 'sun', name: 'setup.weekday.sun', short: 'setup.weekday.sun.short' },
];

/** A whole number typed in a form, or null when left empty. */
function wholeOrNull(text: string): number | null {
  return text.trim() === '' ? null : Number(text);
}

/** An amount typed as 2.50 into cents (NaN, which the server refuses by name, when it is not one). */
function toCents(text: string): number {
  const value = Number(text);
  return Number.isFinite(value) ? Math.round(value * 100) : Number.NaN;
}

const text = (value: number | null | undefined) => (value === null || value === undefined ? '' : String(value));

function hoursInWords(hours: Record<string, string[][]>): string {
  const days = WEEKDAYS.filter((d) => (hours[d.code] ?? []).length > 0);
  if (days.length === 0) return t('setup.hours.notGiven');
  return days.map((d) => `${t(d.short)} ${(hours[d.code] ?? []).map(([o, c]) => `${o}–${c}`).join(', ')}`).join('; ');
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

export function LibrarySetupPage() {
  const library = useLibrary();
  const session = useSession();
  const admin = session.can('library.administer');
  const t = useT();
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const base = `/libraries/${encodeURIComponent(library.id)}`;
  const branches = useLoad(() => api<BranchRow[]>('GET', `${base}/branches`), [base]);
  const categories = useLoad(() => api<CategoryRow[]>('GET', `${base}/categories`), [base]);
  const types = useLoad(() => api<ItemTypeRow[]>('GET', `${base}/item-types`), [base]);
  const done = (message: string, ...reloads: (() => void)[]) => {
    setNotice(message);
    for (const reload of reloads) reload();
  };

  return (
    <Page title={t('setup.librarySetup.title')}>
      <p>{tRich(admin ? 'setup.librarySetup.intro.admin' : 'setup.librarySetup.intro.reader', { library: library.name, b: (chunks) => <strong>{chunks}</strong> })}</p>
      <Notice>{notice}</Notice>
      <Settings base={base} admin={admin} onSaved={(m) => done(m)} />
      <Branches base={base} admin={admin} branches={branches} onChanged={(m) => done(m, branches.reload)} />
      <ClosedDays base={base} admin={admin} branches={branches.data ?? []} onChanged={(m) => done(m)} />
      <Categories base={base} admin={admin} categories={categories} onChanged={(m) => done(m, categories.reload)} />
      <ItemTypes base={base} admin={admin} types={types} onChanged={(m) => done(m, types.reload)} />
      <Matrix base={base} admin={admin} branches={branches.data ?? []} categories={categories.data ?? []} types={types.data ?? []} onChanged={(m) => done(m)} />
    </Page>
  );
}

type Loaded<T> = { data?: T; error?: unknown; loading: boolean; reload: () => void };

// ---- settings

function Settings({ base, admin, onSaved }: { base: string; admin: boolean; onSaved: (message: string) => void }) {
  const t = useT();
  const settings = useLoad(() => api<LibrarySettings>('GET', `${base}/settings`), [base]);
  return (
    <Section id="setup-settings" title={t('setup.settings.title')}>
      <ErrorMessage error={settings.error} />
      {settings.loading && !settings.data && <p className="loading">{t('common.loading')}</p>}
      {settings.data && <SettingsForm key={JSON.stringify(settings.data)} base={base} admin={admin} settings={settings.data} onSaved={(m) => (settings.reload(), onSaved(m))} />}
    </Section>
  );
}

/**
 * Why a cell gets its rule, in the page's language, from the explanation's parts (the server's own
 * sentence is English; the parts are the same).
 */
function explanationWords(answer: LoanRuleExplanation): string {
  const cellOf = (c: { branch: string; patronCategory: string; itemType: string }) => ({ branch: c.branch, category: c.patronCategory, type: c.itemType });
  if (!answer.applied) return t('setup.explain.reason.none', cellOf(answer.cell));
  if (answer.matches.length === 1) return t('setup.explain.reason.only', cellOf(answer.applied));
  return t('setup.explain.reason.mostSpecific', { ...cellOf(answer.applied), count: answer.matches.length });
}

/** The ways a desk may take a payment, in the order a library's list keeps them. */
const PAYMENT_METHOD_WORDS: [string, MessageId][] = [
  ['cash', 'setup.desk.method.cash'],
  ['check', 'setup.desk.method.check'],
  ['card', 'setup.desk.method.card'],
];

function SettingsForm({ base, admin, settings, onSaved }: { base: string; admin: boolean; settings: LibrarySettings; onSaved: (message: string) => void }) {
  const t = useT();
  const [form, setForm] = useState({
    holdPickupDays: text(settings.holdPickupDays),
    maxBalance: (settings.maxBalanceCents / 100).toFixed(2),
    maxOverdueItems: text(settings.maxOverdueItems),
    lostCharge: (settings.defaultLostChargeCents / 100).toFixed(2),
    processingFee: (settings.processingFeeCents / 100).toFixed(2),
    longOverdueDays: text(settings.longOverdueDays),
    cardValidityMonths: text(settings.cardValidityMonths),
    legacyPinDays: text(settings.legacyPinDays),
    slipHeader: settings.slipHeader ?? '',
    slipFooter: settings.slipFooter ?? '',
  });
  // The library's languages, payment methods and slips (issue 20): lists and switches beside the figures.
  const [defaultLanguage, setDefaultLanguage] = useState(settings.defaultLanguage);
  const [offered, setOffered] = useState<string[]>(settings.offeredLanguages);
  const [methods, setMethods] = useState<string[]>(settings.paymentMethods);
  const [slipTitles, setSlipTitles] = useState(settings.slipTitles);
  const toggle = (list: string[], value: string, on: boolean, order: readonly string[]) => order.filter((v) => (v === value ? on : list.includes(v)));
  const { run, busy, error } = useAction();
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value }));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const saved = await run(() =>
      api<LibrarySettings>('PATCH', `${base}/settings`, {
        holdPickupDays: Number(form.holdPickupDays),
        maxBalanceCents: toCents(form.maxBalance),
        maxOverdueItems: wholeOrNull(form.maxOverdueItems),
        defaultLostChargeCents: toCents(form.lostCharge),
        processingFeeCents: toCents(form.processingFee),
        longOverdueDays: wholeOrNull(form.longOverdueDays),
        cardValidityMonths: Number(form.cardValidityMonths),
        legacyPinDays: Number(form.legacyPinDays),
        defaultLanguage,
        offeredLanguages: offered,
        paymentMethods: methods,
        slipHeader: form.slipHeader.trim() === '' ? null : form.slipHeader,
        slipFooter: form.slipFooter.trim() === '' ? null : form.slipFooter,
        slipTitles,
      }),
    );
    if (saved) onSaved(t('setup.settings.saved'));
  };
  return (
    <form className="office-form" onSubmit={(e) => void submit(e)}>
      <fieldset className="office-fieldset" disabled={!admin}>
        <legend>{t('setup.settings.legend')}</legend>
        <Field label={t('setup.settings.holdPickupDays')} hint={t('setup.settings.holdPickupDays.hint')} type="number" min={1} required value={form.holdPickupDays} onChange={set('holdPickupDays')} error={aboutField(error, 'holdPickupDays')} />
        <Field label={t('setup.settings.maxBalance')} hint={t('setup.settings.maxBalance.hint')} inputMode="decimal" required value={form.maxBalance} onChange={set('maxBalance')} error={aboutField(error, 'maxBalanceCents')} />
        <Field label={t('setup.settings.maxOverdueItems')} hint={t('setup.settings.maxOverdueItems.hint')} type="number" min={1} value={form.maxOverdueItems} onChange={set('maxOverdueItems')} error={aboutField(error, 'maxOverdueItems')} />
        <Field label={t('setup.settings.lostCharge')} hint={t('setup.settings.lostCharge.hint')} inputMode="decimal" required value={form.lostCharge} onChange={set('lostCharge')} error={aboutField(error, 'defaultLostChargeCents')} />
        <Field label={t('setup.settings.processingFee')} inputMode="decimal" required value={form.processingFee} onChange={set('processingFee')} error={aboutField(error, 'processingFeeCents')} />
        <Field label={t('setup.settings.longOverdueDays')} hint={t('setup.settings.longOverdueDays.hint')} type="number" min={1} value={form.longOverdueDays} onChange={set('longOverdueDays')} error={aboutField(error, 'longOverdueDays')} />
        <Field label={t('setup.settings.cardValidityMonths')} hint={t('setup.settings.cardValidityMonths.hint')} type="number" min={1} required value={form.cardValidityMonths} onChange={set('cardValidityMonths')} error={aboutField(error, 'cardValidityMonths')} />
        <Field label={t('setup.settings.legacyPinDays')} hint={t('setup.settings.legacyPinDays.hint')} type="number" min={1} required value={form.legacyPinDays} onChange={set('legacyPinDays')} error={aboutField(error, 'legacyPinDays')} />
      </fieldset>
      <fieldset className="office-fieldset" disabled={!admin}>
        <legend>{t('setup.desk.languages')}</legend>
        <p className="hint">{t('setup.desk.languages.hint')}</p>
        {AVAILABLE_LANGUAGES.map((language) => (
          <Checkbox
            key={language}
            name="offeredLanguages"
            label={<span lang={language}>{languageName(language)}</span>}
            checked={offered.includes(language)}
            onChange={(on) => setOffered((list) => toggle(list, language, on, AVAILABLE_LANGUAGES))}
          />
        ))}
        {aboutField(error, 'offeredLanguages') && <p className="field-error">{aboutField(error, 'offeredLanguages')}</p>}
        <fieldset className="modes">
          <legend>{t('setup.desk.defaultLanguage')}</legend>
          {AVAILABLE_LANGUAGES.map((language) => (
            <label className="check" key={language}>
              <input type="radio" name="defaultLanguage" value={language} checked={defaultLanguage === language} onChange={() => setDefaultLanguage(language)} />
              <span lang={language}>{languageName(language)}</span>
            </label>
          ))}
        </fieldset>
        {aboutField(error, 'defaultLanguage') && <p className="field-error">{aboutField(error, 'defaultLanguage')}</p>}
      </fieldset>
      <fieldset className="office-fieldset" disabled={!admin}>
        <legend>{t('setup.desk.payments')}</legend>
        <p className="hint">{t('setup.desk.payments.hint')}</p>
        {PAYMENT_METHOD_WORDS.map(([method, label]) => (
          <Checkbox key={method} name="paymentMethods" label={t(label)} checked={methods.includes(method)} onChange={(on) => setMethods((list) => toggle(list, method, on, PAYMENT_METHOD_WORDS.map(([m]) => m)))} />
        ))}
        {aboutField(error, 'paymentMethods') && <p className="field-error">{aboutField(error, 'paymentMethods')}</p>}
      </fieldset>
      <fieldset className="office-fieldset" disabled={!admin}>
        <legend>{t('setup.desk.slips')}</legend>
        <p className="hint">{t('setup.desk.slips.hint')}</p>
        <TextArea label={t('setup.desk.slipHeader')} name="slipHeader" maxLength={500} value={form.slipHeader} onChange={set('slipHeader')} error={aboutField(error, 'slipHeader')} />
        <TextArea label={t('setup.desk.slipFooter')} name="slipFooter" maxLength={500} value={form.slipFooter} onChange={set('slipFooter')} error={aboutField(error, 'slipFooter')} />
        <Checkbox name="slipTitles" label={t('setup.desk.slipTitles')} hint={t('setup.desk.slipTitles.hint')} checked={slipTitles} onChange={setSlipTitles} />
      </fieldset>
      <ErrorMessage error={error} />
      {admin && (
        <button type="submit" disabled={busy}>
          {t('setup.settings.save')}
        </button>
      )}
    </form>
  );
}

// ---- branches

function Branches({ base, admin, branches, onChanged }: { base: string; admin: boolean; branches: Loaded<BranchRow[]>; onChanged: (message: string) => void }) {
  const t = useT();
  const [editing, setEditing] = useState<BranchRow | undefined>(undefined);
  // A new key after each save empties the form for the next one.
  const [round, setRound] = useState(0);
  return (
    <Section id="setup-branches" title={t('setup.branches.title')}>
      <ErrorMessage error={branches.error} />
      {branches.data && (
        <Table
          caption={t('setup.branches.count', { count: branches.data.length })}
          columns={[t('setup.branches.col.branch'), t('setup.branches.col.address'), t('setup.branches.col.hours'), admin && t('setup.branches.col.change')]}
        >
          {branches.data.map((b) => (
            <tr key={b.code}>
              <th scope="row">
                {b.name} <span className="code">({b.code})</span>
              </th>
              <td>{b.address ?? '—'}</td>
              <td>{hoursInWords(b.openingHours)}</td>
              {admin && (
                <td>
                  <button type="button" className="secondary" onClick={() => setEditing(b)}>
                    {t('setup.branches.edit', { code: b.code })}
                  </button>
                </td>
              )}
            </tr>
          ))}
        </Table>
      )}
      {admin && (
        <BranchForm
          key={`${editing?.code ?? 'new'}-${round}`}
          base={base}
          editing={editing}
          onDone={(b, verb) => {
            setEditing(undefined);
            setRound((r) => r + 1);
            onChanged(verb === 'changed' ? t('setup.branches.changed', { name: b.name, code: b.code }) : t('setup.branches.added', { name: b.name, code: b.code }));
          }}
          onCancel={() => setEditing(undefined)}
        />
      )}
    </Section>
  );
}

function BranchForm({ base, editing, onDone, onCancel }: { base: string; editing: BranchRow | undefined; onDone: (b: BranchRow, verb: 'added' | 'changed') => void; onCancel: () => void }) {
  const t = useT();
  const initialHours = Object.fromEntries(WEEKDAYS.map((d) => [d.code, { opens: editing?.openingHours[d.code]?.[0]?.[0] ?? '', closes: editing?.openingHours[d.code]?.[0]?.[1] ?? '' }]));
  const [form, setForm] = useState({ code: editing?.code ?? '', name: editing?.name ?? '', address: editing?.address ?? '' });
  const [hours, setHours] = useState<Record<string, { opens: string; closes: string }>>(initialHours);
  const { run, busy, error } = useAction();
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value }));
  const setHour = (day: string, key: 'opens' | 'closes') => (e: { target: { value: string } }) => setHours((h) => ({ ...h, [day]: { ...(h[day] ?? { opens: '', closes: '' }), [key]: e.target.value } }));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const openingHours: Record<string, string[][]> = {};
    for (const d of WEEKDAYS) {
      const h = hours[d.code];
      if (h && (h.opens || h.closes)) openingHours[d.code] = [[h.opens, h.closes]];
    }
    // Only the first period of a day is edited here: a day's later periods are kept as they were.
    if (editing) for (const d of WEEKDAYS) if (openingHours[d.code] && (editing.openingHours[d.code]?.length ?? 0) > 1) openingHours[d.code]!.push(...editing.openingHours[d.code]!.slice(1));
    const body = { name: form.name.trim(), address: form.address.trim() || null, openingHours };
    const saved = await run(() =>
      editing ? api<BranchRow>('PATCH', `${base}/branches/${encodeURIComponent(editing.code)}`, body) : api<BranchRow>('POST', `${base}/branches`, { code: form.code.trim(), ...body }),
    );
    if (saved) onDone(saved, editing ? 'changed' : 'added');
  };
  return (
    <form className="office-form" onSubmit={(e) => void submit(e)} aria-labelledby="branch-form-title">
      <h3 id="branch-form-title">{editing ? t('setup.branches.form.edit', { code: editing.code }) : t('setup.branches.form.add')}</h3>
      {!editing && <Field label={t('setup.branches.form.code')} hint={t('setup.branches.form.code.hint')} required autoComplete="off" value={form.code} onChange={set('code')} error={aboutField(error, 'code')} />}
      <Field label={t('setup.branches.form.name')} required maxLength={200} autoComplete="off" value={form.name} onChange={set('name')} error={aboutField(error, 'name')} />
      <Field label={t('setup.branches.form.address')} maxLength={500} autoComplete="off" value={form.address} onChange={set('address')} error={aboutField(error, 'address')} />
      <fieldset className="office-fieldset">
        <legend>{t('setup.branches.form.hours')}</legend>
        <p className="hint">{t('setup.branches.form.hours.hint')}</p>
        {WEEKDAYS.map((d) => (
          <div key={d.code} className="hours-row">
            <Field label={t('setup.branches.form.opens', { day: t(d.name) })} type="time" value={hours[d.code]?.opens ?? ''} onChange={setHour(d.code, 'opens')} />
            <Field label={t('setup.branches.form.closes', { day: t(d.name) })} type="time" value={hours[d.code]?.closes ?? ''} onChange={setHour(d.code, 'closes')} />
          </div>
        ))}
        {aboutField(error, 'openingHours') && <p className="field-error">{aboutField(error, 'openingHours')}</p>}
      </fieldset>
      <ErrorMessage error={error} />
      <button type="submit" disabled={busy}>
        {editing ? t('setup.branches.form.save') : t('setup.branches.form.submit')}
      </button>{' '}
      {editing && (
        <button type="button" className="secondary" onClick={onCancel}>
          {t('setup.branches.form.cancel')}
        </button>
      )}
    </form>
  );
}

// ---- closed days

function ClosedDays({ base, admin, branches, onChanged }: { base: string; admin: boolean; branches: BranchRow[]; onChanged: (message: string) => void }) {
  const t = useT();
  const days = useLoad(() => api<ClosedDaysRow[]>('GET', `${base}/closed-days`), [base]);
  const empty = { branch: 'all', startsOn: '', endsOn: '', reason: '' };
  const [form, setForm] = useState(empty);
  const { run, busy, error } = useAction();
  const open = useAction();
  const set = (key: keyof typeof empty) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value }));
  const branchName = (code: string | null) => (code === null ? t('setup.closed.everyBranch') : (branches.find((b) => b.code === code)?.name ?? code));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const closed = await run(() =>
      api<ClosedDaysRow>('POST', `${base}/closed-days`, { branch: form.branch === 'all' ? null : form.branch, startsOn: form.startsOn, endsOn: form.endsOn || form.startsOn, reason: form.reason.trim() }),
    );
    if (closed) {
      setForm(empty);
      days.reload();
      onChanged(t('setup.closed.closedNotice', { where: branchName(closed.branch), from: closed.startsOn, to: closed.endsOn, reason: closed.reason }));
    }
  };
  const reopen = async (d: ClosedDaysRow) => {
    if (await open.run(() => api('DELETE', `${base}/closed-days/${encodeURIComponent(d.id)}`))) {
      days.reload();
      onChanged(t('setup.closed.openNotice', { where: branchName(d.branch), from: d.startsOn, to: d.endsOn }));
    }
  };
  return (
    <Section id="setup-closed" title={t('setup.closed.title')}>
      <p>{t('setup.closed.intro')}</p>
      <ErrorMessage error={days.error ?? open.error} />
      {days.data && days.data.length === 0 && <p>{t('setup.closed.none')}</p>}
      {days.data && days.data.length > 0 && (
        <Table
          caption={t('setup.closed.count', { count: days.data.length })}
          columns={[t('setup.closed.col.branch'), t('setup.closed.col.from'), t('setup.closed.col.to'), t('setup.closed.col.reason'), admin && t('setup.closed.col.change')]}
        >
          {days.data.map((d) => (
            <tr key={d.id}>
              <th scope="row">{branchName(d.branch)}</th>
              <td>{d.startsOn}</td>
              <td>{d.endsOn}</td>
              <td>{d.reason}</td>
              {admin && (
                <td>
                  <button type="button" className="secondary" disabled={open.busy} onClick={() => void reopen(d)}>
                    {t('setup.closed.openAgain', { reason: d.reason, from: d.startsOn })}
                  </button>
                </td>
              )}
            </tr>
          ))}
        </Table>
      )}
      {admin && (
        <form className="office-form" onSubmit={(e) => void submit(e)} aria-labelledby="closed-form-title">
          <h3 id="closed-form-title">{t('setup.closed.form.title')}</h3>
          <Select
            label={t('setup.closed.form.where')}
            value={form.branch}
            onChange={set('branch')}
            options={[{ value: 'all', label: t('setup.closed.everyBranch') }, ...branches.map((b) => ({ value: b.code, label: `${b.name} (${b.code})` }))]} error={aboutField(error, 'branch')} />
          <Field label={t('setup.closed.form.first')} type="date" required value={form.startsOn} onChange={set('startsOn')} error={aboutField(error, 'startsOn')} />
          <Field label={t('setup.closed.form.last')} hint={t('setup.closed.form.last.hint')} type="date" value={form.endsOn} onChange={set('endsOn')} error={aboutField(error, 'endsOn')} />
          <Field label={t('setup.closed.form.reason')} hint={t('setup.closed.form.reason.hint')} required maxLength={200} autoComplete="off" value={form.reason} onChange={set('reason')} error={aboutField(error, 'reason')} />
          <ErrorMessage error={error} />
          <button type="submit" disabled={busy}>
            {t('setup.closed.form.submit')}
          </button>
        </form>
      )}
    </Section>
  );
}

// ---- patron categories

function Categories({ base, admin, categories, onChanged }: { base: string; admin: boolean; categories: Loaded<CategoryRow[]>; onChanged: (message: string) => void }) {
  const t = useT();
  const [editing, setEditing] = useState<CategoryRow | undefined>(undefined);
  // A new key after each save empties the form for the next one.
  const [round, setRound] = useState(0);
  return (
    <Section id="setup-categories" title={t('setup.categories.title')}>
      <ErrorMessage error={categories.error} />
      {categories.data && (
        <Table
          caption={t('setup.categories.count', { count: categories.data.length })}
          columns={[
            t('setup.categories.col.category'),
            t('setup.categories.col.ages'),
            { label: t('setup.categories.col.cardValid'), num: true },
            { label: t('setup.categories.col.maxLoans'), num: true },
            admin && t('setup.categories.col.change'),
          ]}
        >
          {categories.data.map((c) => (
            <tr key={c.code}>
              <th scope="row">
                {c.name} <span className="code">({c.code})</span>
              </th>
              <td>{c.minAge === null && c.maxAge === null ? t('setup.categories.anyAge') : `${c.minAge ?? 0}–${c.maxAge ?? ''}`}</td>
              <td className="num">{c.cardValidityMonths ?? t('setup.categories.librarys')}</td>
              <td className="num">{c.maxLoans ?? t('setup.categories.noLimit')}</td>
              {admin && (
                <td>
                  <button type="button" className="secondary" onClick={() => setEditing(c)}>
                    {t('setup.categories.edit', { code: c.code })}
                  </button>
                </td>
              )}
            </tr>
          ))}
        </Table>
      )}
      {admin && (
        <CategoryForm
          key={`${editing?.code ?? 'new'}-${round}`}
          base={base}
          editing={editing}
          onDone={(c, verb) => {
            setEditing(undefined);
            setRound((r) => r + 1);
            onChanged(verb === 'changed' ? t('setup.categories.changed', { name: c.name, code: c.code }) : t('setup.categories.added', { name: c.name, code: c.code }));
          }}
        />
      )}
    </Section>
  );
}

function CategoryForm({ base, editing, onDone }: { base: string; editing: CategoryRow | undefined; onDone: (c: CategoryRow, verb: 'added' | 'changed') => void }) {
  const t = useT();
  const [form, setForm] = useState({
    code: editing?.code ?? '',
    name: editing?.name ?? '',
    minAge: text(editing?.minAge),
    maxAge: text(editing?.maxAge),
    cardValidityMonths: text(editing?.cardValidityMonths),
    maxLoans: text(editing?.maxLoans),
  });
  const { run, busy, error } = useAction();
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value }));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body = { name: form.name.trim(), minAge: wholeOrNull(form.minAge), maxAge: wholeOrNull(form.maxAge), cardValidityMonths: wholeOrNull(form.cardValidityMonths), maxLoans: wholeOrNull(form.maxLoans) };
    const saved = await run(() =>
      editing ? api<CategoryRow>('PATCH', `${base}/categories/${encodeURIComponent(editing.code)}`, body) : api<CategoryRow>('POST', `${base}/categories`, { code: form.code.trim(), ...body }),
    );
    if (saved) onDone(saved, editing ? 'changed' : 'added');
  };
  return (
    <form className="office-form" onSubmit={(e) => void submit(e)} aria-labelledby="category-form-title">
      <h3 id="category-form-title">{editing ? t('setup.categories.form.edit', { code: editing.code }) : t('setup.categories.form.add')}</h3>
      {!editing && <Field label={t('setup.categories.form.code')} hint={t('setup.categories.form.code.hint')} required autoComplete="off" value={form.code} onChange={set('code')} error={aboutField(error, 'code')} />}
      <Field label={t('setup.categories.form.name')} required maxLength={200} autoComplete="off" value={form.name} onChange={set('name')} error={aboutField(error, 'name')} />
      <Field label={t('setup.categories.form.minAge')} type="number" min={0} value={form.minAge} onChange={set('minAge')} error={aboutField(error, 'minAge')} />
      <Field label={t('setup.categories.form.maxAge')} type="number" min={0} value={form.maxAge} onChange={set('maxAge')} error={aboutField(error, 'maxAge')} />
      <Field label={t('setup.categories.form.cardValidity')} hint={t('setup.categories.form.cardValidity.hint')} type="number" min={1} value={form.cardValidityMonths} onChange={set('cardValidityMonths')} error={aboutField(error, 'cardValidityMonths')} />
      <Field label={t('setup.categories.form.maxLoans')} hint={t('setup.categories.form.maxLoans.hint')} type="number" min={0} value={form.maxLoans} onChange={set('maxLoans')} error={aboutField(error, 'maxLoans')} />
      <ErrorMessage error={error} />
      <button type="submit" disabled={busy}>
        {editing ? t('setup.categories.form.save') : t('setup.categories.form.submit')}
      </button>
    </form>
  );
}

// ---- item types

function ItemTypes({ base, admin, types, onChanged }: { base: string; admin: boolean; types: Loaded<ItemTypeRow[]>; onChanged: (message: string) => void }) {
  const t = useT();
  const [form, setForm] = useState({ code: '', name: '' });
  const { run, busy, error } = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const added = await run(() => api<ItemTypeRow>('POST', `${base}/item-types`, { code: form.code.trim(), name: form.name.trim() }));
    if (added) {
      setForm({ code: '', name: '' });
      onChanged(t('setup.types.added', { name: added.name, code: added.code }));
    }
  };
  return (
    <Section id="setup-types" title={t('setup.types.title')}>
      <ErrorMessage error={types.error} />
      {types.data && <p>{types.data.map((type) => `${type.name} (${type.code})`).join(', ') || t('setup.types.none')}</p>}
      {admin && (
        <form className="office-form" onSubmit={(e) => void submit(e)} aria-labelledby="type-form-title">
          <h3 id="type-form-title">{t('setup.types.form.title')}</h3>
          <Field label={t('setup.types.form.code')} hint={t('setup.types.form.code.hint')} required autoComplete="off" value={form.code} onChange={(e) => setForm((f) => ({ ...f, code: e.target.value }))} error={aboutField(error, 'code')} />
          <Field label={t('setup.types.form.name')} required maxLength={200} autoComplete="off" value={form.name} onChange={(e) => setForm((f) => ({ ...f, name: e.target.value }))} error={aboutField(error, 'name')} />
          <ErrorMessage error={error} />
          <button type="submit" disabled={busy}>
            {t('setup.types.form.submit')}
          </button>
        </form>
      )}
    </Section>
  );
}

// ---- the circulation matrix

function Matrix({
  base,
  admin,
  branches,
  categories,
  types,
  onChanged,
}: {
  base: string;
  admin: boolean;
  branches: BranchRow[];
  categories: CategoryRow[];
  types: ItemTypeRow[];
  onChanged: (message: string) => void;
}) {
  const rules = useLoad(() => api<LoanRuleRow[]>('GET', `${base}/loan-rules`), [base]);
  const t = useT();
  const remove = useAction();
  const any = { value: '*', label: t('setup.matrix.any') };
  const branchOptions = [any, ...branches.map((b) => ({ value: b.code, label: `${b.name} (${b.code})` }))];
  const categoryOptions = [any, ...categories.map((c) => ({ value: c.code, label: `${c.name} (${c.code})` }))];
  const typeOptions = [any, ...types.map((type) => ({ value: type.code, label: `${type.name} (${type.code})` }))];
  const cell = (r: Pick<LoanRuleRow, 'branch' | 'patronCategory' | 'itemType'>) => `${r.branch} × ${r.patronCategory} × ${r.itemType}`;
  const removeRule = async (r: LoanRuleRow) => {
    if (await remove.run(() => api('DELETE', `${base}/loan-rules${query({ branch: r.branch, category: r.patronCategory, type: r.itemType })}`))) {
      rules.reload();
      onChanged(t('setup.matrix.removed', { cell: cell(r) }));
    }
  };
  return (
    <Section id="setup-matrix" title={t('setup.matrix.title')}>
      <p>{t('setup.matrix.intro')}</p>
      <ErrorMessage error={rules.error ?? remove.error} />
      {rules.data && (
        <Table
          caption={t('setup.matrix.count', { count: rules.data.length })}
          columns={[
            t('setup.matrix.col.cell'),
            { label: t('setup.matrix.col.loanDays'), num: true },
            { label: t('setup.matrix.col.renewals'), num: true },
            t('setup.matrix.col.finePerDay'),
            t('setup.matrix.col.maxFine'),
            t('setup.matrix.col.holds'),
            admin && t('setup.matrix.col.change'),
          ]}
        >
          {rules.data.map((r) => (
            <tr key={cell(r)}>
              <th scope="row">{cell(r)}</th>
              <td className="num">{r.loanDays === 0 ? t('setup.matrix.notForLoan') : r.loanDays}</td>
              <td className="num">{r.renewals}</td>
              <td>{money(r.finePerDayCents)}</td>
              <td>{money(r.maxFineCents)}</td>
              <td>{r.holdable ? (r.holdPickupDays === null ? t('setup.matrix.holds.yes') : t('setup.matrix.holds.yesDays', { days: r.holdPickupDays })) : t('setup.matrix.holds.no')}</td>
              {admin && (
                <td>
                  <button type="button" className="secondary" disabled={remove.busy} onClick={() => void removeRule(r)}>
                    {t('setup.matrix.remove', { cell: cell(r) })}
                  </button>
                </td>
              )}
            </tr>
          ))}
        </Table>
      )}
      {admin && (
        <RuleForm
          base={base}
          options={{ branchOptions, categoryOptions, typeOptions }}
          onSet={(r) => {
            rules.reload();
            onChanged(t('setup.matrix.set', { cell: cell(r) }));
          }}
        />
      )}
      <Explain base={base} branches={branches} categories={categories} types={types} />
    </Section>
  );
}

type Options = { value: string; label: string }[];

function RuleForm({ base, options, onSet }: { base: string; options: { branchOptions: Options; categoryOptions: Options; typeOptions: Options }; onSet: (rule: LoanRuleRow) => void }) {
  const empty = { branch: '*', patronCategory: '*', itemType: '*', loanDays: '', renewals: '0', finePerDay: '0.00', maxFine: '0.00', holdPickupDays: '' };
  const [form, setForm] = useState(empty);
  const t = useT();
  const [holdable, setHoldable] = useState(true);
  const { run, busy, error } = useAction();
  const set = (key: keyof typeof empty) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value }));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const rule = await run(() =>
      api<LoanRuleRow>('PUT', `${base}/loan-rules`, {
        branch: form.branch,
        patronCategory: form.patronCategory,
        itemType: form.itemType,
        loanDays: Number(form.loanDays),
        renewals: Number(form.renewals),
        finePerDayCents: toCents(form.finePerDay),
        maxFineCents: toCents(form.maxFine),
        holdable,
        holdPickupDays: wholeOrNull(form.holdPickupDays),
      }),
    );
    if (rule) {
      setForm(empty);
      setHoldable(true);
      onSet(rule);
    }
  };
  return (
    <form className="office-form" onSubmit={(e) => void submit(e)} aria-labelledby="rule-form-title">
      <h3 id="rule-form-title">{t('setup.rule.title')}</h3>
      <p className="hint">{t('setup.rule.hint')}</p>
      <Select label={t('setup.rule.branch')} value={form.branch} onChange={set('branch')} options={options.branchOptions} error={aboutField(error, 'branch')} />
      <Select label={t('setup.rule.category')} value={form.patronCategory} onChange={set('patronCategory')} options={options.categoryOptions} error={aboutField(error, 'patronCategory')} />
      <Select label={t('setup.rule.type')} value={form.itemType} onChange={set('itemType')} options={options.typeOptions} error={aboutField(error, 'itemType')} />
      <Field label={t('setup.rule.loanDays')} hint={t('setup.rule.loanDays.hint')} type="number" min={0} required value={form.loanDays} onChange={set('loanDays')} error={aboutField(error, 'loanDays')} />
      <Field label={t('setup.rule.renewals')} type="number" min={0} required value={form.renewals} onChange={set('renewals')} error={aboutField(error, 'renewals')} />
      <Field label={t('setup.rule.finePerDay')} hint={t('setup.rule.finePerDay.hint')} inputMode="decimal" required value={form.finePerDay} onChange={set('finePerDay')} error={aboutField(error, 'finePerDayCents')} />
      <Field label={t('setup.rule.maxFine')} hint={t('setup.rule.maxFine.hint')} inputMode="decimal" required value={form.maxFine} onChange={set('maxFine')} error={aboutField(error, 'maxFineCents')} />
      <Checkbox label={t('setup.rule.holdable')} checked={holdable} onChange={setHoldable} />
      <Field label={t('setup.rule.holdPickupDays')} hint={t('setup.rule.holdPickupDays.hint')} type="number" min={1} value={form.holdPickupDays} onChange={set('holdPickupDays')} error={aboutField(error, 'holdPickupDays')} />
      <ErrorMessage error={error} />
      <button type="submit" disabled={busy}>
        {t('setup.rule.submit')}
      </button>
    </form>
  );
}

function Explain({ base, branches, categories, types }: { base: string; branches: BranchRow[]; categories: CategoryRow[]; types: ItemTypeRow[] }) {
  const [form, setForm] = useState({ branch: '', category: '', type: '' });
  const t = useT();
  const [answer, setAnswer] = useState<LoanRuleExplanation | undefined>(undefined);
  const { run, busy, error } = useAction();
  const chosen = { branch: form.branch || branches[0]?.code || '', category: form.category || categories[0]?.code || '', type: form.type || types[0]?.code || '' };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const explained = await run(() => api<LoanRuleExplanation>('GET', `${base}/loan-rules/explain${query(chosen)}`));
    setAnswer(explained);
  };
  return (
    <form className="office-form" onSubmit={(e) => void submit(e)} aria-labelledby="explain-title">
      <h3 id="explain-title">{t('setup.explain.title')}</h3>
      <Select label={t('setup.explain.branch')} value={chosen.branch} onChange={(e) => setForm((f) => ({ ...f, branch: e.target.value }))} options={branches.map((b) => ({ value: b.code, label: `${b.name} (${b.code})` }))} />
      <Select label={t('setup.explain.category')} value={chosen.category} onChange={(e) => setForm((f) => ({ ...f, category: e.target.value }))} options={categories.map((c) => ({ value: c.code, label: `${c.name} (${c.code})` }))} />
      <Select
        label={t('setup.explain.type')}
        value={chosen.type}
        onChange={(e) => setForm((f) => ({ ...f, type: e.target.value }))}
        options={types.map((type) => ({ value: type.code, label: `${type.name} (${type.code})` }))}
      />
      <ErrorMessage error={error} />
      <button type="submit" disabled={busy}>
        {t('setup.explain.submit')}
      </button>
      {answer && (
        <div role="status" className="explanation">
          <p>{explanationWords(answer)}</p>
          {answer.applied && (
            <p>
              {answer.applied.loanDays === 0
                ? t('setup.explain.appliedNotForLoan')
                : t('setup.explain.applied', {
                    days: answer.applied.loanDays,
                    renewals: answer.applied.renewals,
                    fine: money(answer.applied.finePerDayCents),
                    most: money(answer.applied.maxFineCents),
                  })}
            </p>
          )}
        </div>
      )}
    </form>
  );
}
