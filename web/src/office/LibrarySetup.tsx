import { useState, type FormEvent, type ReactNode } from 'react';
import { api, query } from '../api';
import { useSession } from '../session';
import { Checkbox, ErrorMessage, Field, Notice, Page, Select, Table, aboutField, money, useAction, useLoad } from '../ui/components';
import { plural, useLibrary } from './common';
import type { BranchRow, CategoryRow, ClosedDaysRow, ItemTypeRow, LibrarySettings, LoanRuleExplanation, LoanRuleRow } from '../../../src/http/schemas/library-config';

/**
 * The library's own circulation policy, as data (issue 15): its settings, branches and their weekly
 * hours, closed days and holidays, patron categories, item types and the circulation matrix, with an
 * explanation of which rule a loan gets. Staff holding library.read see it; administrators change it.
 */

const WEEKDAYS: { code: string; name: string }[] = [
  { code: 'mon', name: 'Monday' },
  { code: 'tue', name: 'Tuesday' },
  { code: 'wed', name: 'Wednesday' },
  { code: 'thu', name: 'Thursday' },
  { code: 'fri', name: 'Friday' },
  { code: 'sat', name: 'Saturday' },
  { code: 'sun', name: 'Sunday' },
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
  if (days.length === 0) return 'Not given (open every day)';
  return days.map((d) => `${d.name.slice(0, 3)} ${(hours[d.code] ?? []).map(([o, c]) => `${o}–${c}`).join(', ')}`).join('; ');
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
    <Page title="Library setup">
      <p>
        The library’s own circulation policy for <strong>{library.name}</strong>: settings, branches and their hours, closed days, patron categories, item types and the circulation
        matrix. {admin ? 'Every change is recorded in the access log with your name; loans already out keep their due dates.' : 'You may read it; administrators change it.'}
      </p>
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
  const settings = useLoad(() => api<LibrarySettings>('GET', `${base}/settings`), [base]);
  return (
    <Section id="setup-settings" title="Settings">
      <ErrorMessage error={settings.error} />
      {settings.loading && !settings.data && <p className="loading">Loading…</p>}
      {settings.data && <SettingsForm key={JSON.stringify(settings.data)} base={base} admin={admin} settings={settings.data} onSaved={(m) => (settings.reload(), onSaved(m))} />}
    </Section>
  );
}

function SettingsForm({ base, admin, settings, onSaved }: { base: string; admin: boolean; settings: LibrarySettings; onSaved: (message: string) => void }) {
  const [form, setForm] = useState({
    holdPickupDays: text(settings.holdPickupDays),
    maxBalance: (settings.maxBalanceCents / 100).toFixed(2),
    maxOverdueItems: text(settings.maxOverdueItems),
    lostCharge: (settings.defaultLostChargeCents / 100).toFixed(2),
    processingFee: (settings.processingFeeCents / 100).toFixed(2),
    longOverdueDays: text(settings.longOverdueDays),
    cardValidityMonths: text(settings.cardValidityMonths),
  });
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
      }),
    );
    if (saved) onSaved('The settings are saved.');
  };
  return (
    <form className="office-form" onSubmit={(e) => void submit(e)}>
      <fieldset className="office-fieldset" disabled={!admin}>
        <legend>Circulation settings</legend>
        <Field label="Hold pick-up days" hint="Days a held item waits on the shelf (a rule of the matrix may say otherwise)." type="number" min={1} required value={form.holdPickupDays} onChange={set('holdPickupDays')} error={aboutField(error, 'holdPickupDays')} />
        <Field label="Most a patron may owe and still borrow" hint="An amount, such as 10.00." inputMode="decimal" required value={form.maxBalance} onChange={set('maxBalance')} error={aboutField(error, 'maxBalanceCents')} />
        <Field label="Overdue items that block borrowing" hint="Leave empty: overdue items never block." type="number" min={1} value={form.maxOverdueItems} onChange={set('maxOverdueItems')} error={aboutField(error, 'maxOverdueItems')} />
        <Field label="Charge for a lost item" hint="When the item has no replacement cost." inputMode="decimal" required value={form.lostCharge} onChange={set('lostCharge')} error={aboutField(error, 'defaultLostChargeCents')} />
        <Field label="Processing fee for a lost item" inputMode="decimal" required value={form.processingFee} onChange={set('processingFee')} error={aboutField(error, 'processingFeeCents')} />
        <Field label="Days overdue before an item is declared lost" hint="Leave empty: never by itself." type="number" min={1} value={form.longOverdueDays} onChange={set('longOverdueDays')} error={aboutField(error, 'longOverdueDays')} />
        <Field label="Months a card stays valid" hint="A patron category may say otherwise." type="number" min={1} required value={form.cardValidityMonths} onChange={set('cardValidityMonths')} error={aboutField(error, 'cardValidityMonths')} />
      </fieldset>
      <ErrorMessage error={error} />
      {admin && (
        <button type="submit" disabled={busy}>
          Save the settings
        </button>
      )}
    </form>
  );
}

// ---- branches

function Branches({ base, admin, branches, onChanged }: { base: string; admin: boolean; branches: Loaded<BranchRow[]>; onChanged: (message: string) => void }) {
  const [editing, setEditing] = useState<BranchRow | undefined>(undefined);
  // A new key after each save empties the form for the next one.
  const [round, setRound] = useState(0);
  return (
    <Section id="setup-branches" title="Branches and opening hours">
      <ErrorMessage error={branches.error} />
      {branches.data && (
        <Table caption={plural(branches.data.length, 'branch', 'branches')} columns={['Branch', 'Address', 'Opening hours', admin && 'Change']}>
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
                    Edit {b.code}
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
            onChanged(`Branch ${b.name} (${b.code}) ${verb}.`);
          }}
          onCancel={() => setEditing(undefined)}
        />
      )}
    </Section>
  );
}

function BranchForm({ base, editing, onDone, onCancel }: { base: string; editing: BranchRow | undefined; onDone: (b: BranchRow, verb: string) => void; onCancel: () => void }) {
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
      <h3 id="branch-form-title">{editing ? `Edit branch ${editing.code}` : 'Add a branch'}</h3>
      {!editing && <Field label="Branch code" hint="Lower-case letters, digits and dashes, such as north." required autoComplete="off" value={form.code} onChange={set('code')} error={aboutField(error, 'code')} />}
      <Field label="Branch name" required maxLength={200} autoComplete="off" value={form.name} onChange={set('name')} error={aboutField(error, 'name')} />
      <Field label="Address (optional)" maxLength={500} autoComplete="off" value={form.address} onChange={set('address')} error={aboutField(error, 'address')} />
      <fieldset className="office-fieldset">
        <legend>Opening hours</legend>
        <p className="hint">Leave a day empty when the branch is closed that day. Leave every day empty to say nothing about hours (open every day).</p>
        {WEEKDAYS.map((d) => (
          <div key={d.code} className="hours-row">
            <Field label={`${d.name} opens`} type="time" value={hours[d.code]?.opens ?? ''} onChange={setHour(d.code, 'opens')} />
            <Field label={`${d.name} closes`} type="time" value={hours[d.code]?.closes ?? ''} onChange={setHour(d.code, 'closes')} />
          </div>
        ))}
        {aboutField(error, 'openingHours') && <p className="field-error">{aboutField(error, 'openingHours')}</p>}
      </fieldset>
      <ErrorMessage error={error} />
      <button type="submit" disabled={busy}>
        {editing ? 'Save the branch' : 'Add the branch'}
      </button>{' '}
      {editing && (
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      )}
    </form>
  );
}

// ---- closed days

function ClosedDays({ base, admin, branches, onChanged }: { base: string; admin: boolean; branches: BranchRow[]; onChanged: (message: string) => void }) {
  const days = useLoad(() => api<ClosedDaysRow[]>('GET', `${base}/closed-days`), [base]);
  const empty = { branch: 'all', startsOn: '', endsOn: '', reason: '' };
  const [form, setForm] = useState(empty);
  const { run, busy, error } = useAction();
  const open = useAction();
  const set = (key: keyof typeof empty) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value }));
  const branchName = (code: string | null) => (code === null ? 'Every branch' : (branches.find((b) => b.code === code)?.name ?? code));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const closed = await run(() =>
      api<ClosedDaysRow>('POST', `${base}/closed-days`, { branch: form.branch === 'all' ? null : form.branch, startsOn: form.startsOn, endsOn: form.endsOn || form.startsOn, reason: form.reason.trim() }),
    );
    if (closed) {
      setForm(empty);
      days.reload();
      onChanged(`${branchName(closed.branch)} closed from ${closed.startsOn} to ${closed.endsOn}: ${closed.reason}.`);
    }
  };
  const reopen = async (d: ClosedDaysRow) => {
    if (await open.run(() => api('DELETE', `${base}/closed-days/${encodeURIComponent(d.id)}`))) {
      days.reload();
      onChanged(`${branchName(d.branch)} is open again from ${d.startsOn} to ${d.endsOn}.`);
    }
  };
  return (
    <Section id="setup-closed" title="Closed days and holidays">
      <p>Due dates given from now on move to the next day the item’s branch is open.</p>
      <ErrorMessage error={days.error ?? open.error} />
      {days.data && days.data.length === 0 && <p>No closed days are recorded.</p>}
      {days.data && days.data.length > 0 && (
        <Table caption={plural(days.data.length, 'closure', 'closures')} columns={['Branch', 'From', 'To', 'Reason', admin && 'Change']}>
          {days.data.map((d) => (
            <tr key={d.id}>
              <th scope="row">{branchName(d.branch)}</th>
              <td>{d.startsOn}</td>
              <td>{d.endsOn}</td>
              <td>{d.reason}</td>
              {admin && (
                <td>
                  <button type="button" className="secondary" disabled={open.busy} onClick={() => void reopen(d)}>
                    Open again ({d.reason}, {d.startsOn})
                  </button>
                </td>
              )}
            </tr>
          ))}
        </Table>
      )}
      {admin && (
        <form className="office-form" onSubmit={(e) => void submit(e)} aria-labelledby="closed-form-title">
          <h3 id="closed-form-title">Close a branch or the library</h3>
          <Select label="Where" value={form.branch} onChange={set('branch')} options={[{ value: 'all', label: 'Every branch' }, ...branches.map((b) => ({ value: b.code, label: `${b.name} (${b.code})` }))]} error={aboutField(error, 'branch')} />
          <Field label="First closed day" type="date" required value={form.startsOn} onChange={set('startsOn')} error={aboutField(error, 'startsOn')} />
          <Field label="Last closed day" hint="Leave empty for a single day." type="date" value={form.endsOn} onChange={set('endsOn')} error={aboutField(error, 'endsOn')} />
          <Field label="Reason" hint="A holiday, a closure." required maxLength={200} autoComplete="off" value={form.reason} onChange={set('reason')} error={aboutField(error, 'reason')} />
          <ErrorMessage error={error} />
          <button type="submit" disabled={busy}>
            Record the closure
          </button>
        </form>
      )}
    </Section>
  );
}

// ---- patron categories

function Categories({ base, admin, categories, onChanged }: { base: string; admin: boolean; categories: Loaded<CategoryRow[]>; onChanged: (message: string) => void }) {
  const [editing, setEditing] = useState<CategoryRow | undefined>(undefined);
  // A new key after each save empties the form for the next one.
  const [round, setRound] = useState(0);
  return (
    <Section id="setup-categories" title="Patron categories">
      <ErrorMessage error={categories.error} />
      {categories.data && (
        <Table caption={plural(categories.data.length, 'category', 'categories')} columns={['Category', 'Ages', { label: 'Card valid (months)', num: true }, { label: 'Most loans', num: true }, admin && 'Change']}>
          {categories.data.map((c) => (
            <tr key={c.code}>
              <th scope="row">
                {c.name} <span className="code">({c.code})</span>
              </th>
              <td>{c.minAge === null && c.maxAge === null ? 'Any' : `${c.minAge ?? 0}–${c.maxAge ?? ''}`}</td>
              <td className="num">{c.cardValidityMonths ?? 'The library’s'}</td>
              <td className="num">{c.maxLoans ?? 'No limit'}</td>
              {admin && (
                <td>
                  <button type="button" className="secondary" onClick={() => setEditing(c)}>
                    Edit {c.code}
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
            onChanged(`Category ${c.name} (${c.code}) ${verb}.`);
          }}
        />
      )}
    </Section>
  );
}

function CategoryForm({ base, editing, onDone }: { base: string; editing: CategoryRow | undefined; onDone: (c: CategoryRow, verb: string) => void }) {
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
      <h3 id="category-form-title">{editing ? `Edit category ${editing.code}` : 'Add a patron category'}</h3>
      {!editing && <Field label="Category code" hint="Such as senior." required autoComplete="off" value={form.code} onChange={set('code')} error={aboutField(error, 'code')} />}
      <Field label="Category name" required maxLength={200} autoComplete="off" value={form.name} onChange={set('name')} error={aboutField(error, 'name')} />
      <Field label="Youngest age (optional)" type="number" min={0} value={form.minAge} onChange={set('minAge')} error={aboutField(error, 'minAge')} />
      <Field label="Oldest age (optional)" type="number" min={0} value={form.maxAge} onChange={set('maxAge')} error={aboutField(error, 'maxAge')} />
      <Field label="Months a card stays valid (optional)" hint="Empty: the library’s setting. At least 1." type="number" min={1} value={form.cardValidityMonths} onChange={set('cardValidityMonths')} error={aboutField(error, 'cardValidityMonths')} />
      <Field label="Most items out at once (optional)" hint="Empty: no limit." type="number" min={0} value={form.maxLoans} onChange={set('maxLoans')} error={aboutField(error, 'maxLoans')} />
      <ErrorMessage error={error} />
      <button type="submit" disabled={busy}>
        {editing ? 'Save the category' : 'Add the category'}
      </button>
    </form>
  );
}

// ---- item types

function ItemTypes({ base, admin, types, onChanged }: { base: string; admin: boolean; types: Loaded<ItemTypeRow[]>; onChanged: (message: string) => void }) {
  const [form, setForm] = useState({ code: '', name: '' });
  const { run, busy, error } = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const added = await run(() => api<ItemTypeRow>('POST', `${base}/item-types`, { code: form.code.trim(), name: form.name.trim() }));
    if (added) {
      setForm({ code: '', name: '' });
      onChanged(`Item type ${added.name} (${added.code}) added.`);
    }
  };
  return (
    <Section id="setup-types" title="Item types">
      <ErrorMessage error={types.error} />
      {types.data && <p>{types.data.map((t) => `${t.name} (${t.code})`).join(', ') || 'No item types.'}</p>}
      {admin && (
        <form className="office-form" onSubmit={(e) => void submit(e)} aria-labelledby="type-form-title">
          <h3 id="type-form-title">Add an item type</h3>
          <Field label="Item type code" hint="Such as board-game." required autoComplete="off" value={form.code} onChange={(e) => setForm((f) => ({ ...f, code: e.target.value }))} error={aboutField(error, 'code')} />
          <Field label="Item type name" required maxLength={200} autoComplete="off" value={form.name} onChange={(e) => setForm((f) => ({ ...f, name: e.target.value }))} error={aboutField(error, 'name')} />
          <ErrorMessage error={error} />
          <button type="submit" disabled={busy}>
            Add the item type
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
  const remove = useAction();
  const any = { value: '*', label: 'Any (*)' };
  const branchOptions = [any, ...branches.map((b) => ({ value: b.code, label: `${b.name} (${b.code})` }))];
  const categoryOptions = [any, ...categories.map((c) => ({ value: c.code, label: `${c.name} (${c.code})` }))];
  const typeOptions = [any, ...types.map((t) => ({ value: t.code, label: `${t.name} (${t.code})` }))];
  const cell = (r: Pick<LoanRuleRow, 'branch' | 'patronCategory' | 'itemType'>) => `${r.branch} × ${r.patronCategory} × ${r.itemType}`;
  const removeRule = async (r: LoanRuleRow) => {
    if (await remove.run(() => api('DELETE', `${base}/loan-rules${query({ branch: r.branch, category: r.patronCategory, type: r.itemType })}`))) {
      rules.reload();
      onChanged(`The rule for ${cell(r)} is removed.`);
    }
  };
  return (
    <Section id="setup-matrix" title="Circulation matrix">
      <p>Each rule covers a branch × patron category × item type; * covers any. The most specific rule wins: a branch’s own rule first, then the category, then the type.</p>
      <ErrorMessage error={rules.error ?? remove.error} />
      {rules.data && (
        <Table
          caption={plural(rules.data.length, 'rule')}
          columns={['Branch × category × type', { label: 'Loan days', num: true }, { label: 'Renewals', num: true }, 'Fine per day', 'Most fine', 'Holds', admin && 'Change']}
        >
          {rules.data.map((r) => (
            <tr key={cell(r)}>
              <th scope="row">{cell(r)}</th>
              <td className="num">{r.loanDays === 0 ? 'Not for loan' : r.loanDays}</td>
              <td className="num">{r.renewals}</td>
              <td>{money(r.finePerDayCents)}</td>
              <td>{money(r.maxFineCents)}</td>
              <td>{r.holdable ? `Yes${r.holdPickupDays === null ? '' : `, ${plural(r.holdPickupDays, 'day')} to pick up`}` : 'No'}</td>
              {admin && (
                <td>
                  <button type="button" className="secondary" disabled={remove.busy} onClick={() => void removeRule(r)}>
                    Remove {cell(r)}
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
            onChanged(`The rule for ${cell(r)} is set.`);
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
      <h3 id="rule-form-title">Set a rule</h3>
      <p className="hint">A rule for a cell that already has one replaces it. Loans already out keep their due dates.</p>
      <Select label="Rule branch" value={form.branch} onChange={set('branch')} options={options.branchOptions} error={aboutField(error, 'branch')} />
      <Select label="Rule patron category" value={form.patronCategory} onChange={set('patronCategory')} options={options.categoryOptions} error={aboutField(error, 'patronCategory')} />
      <Select label="Rule item type" value={form.itemType} onChange={set('itemType')} options={options.typeOptions} error={aboutField(error, 'itemType')} />
      <Field label="Loan days" hint="0: not for loan." type="number" min={0} required value={form.loanDays} onChange={set('loanDays')} error={aboutField(error, 'loanDays')} />
      <Field label="Renewals" type="number" min={0} required value={form.renewals} onChange={set('renewals')} error={aboutField(error, 'renewals')} />
      <Field label="Fine per day" hint="An amount, such as 0.25." inputMode="decimal" required value={form.finePerDay} onChange={set('finePerDay')} error={aboutField(error, 'finePerDayCents')} />
      <Field label="Most fine per item" hint="An amount, such as 5.00." inputMode="decimal" required value={form.maxFine} onChange={set('maxFine')} error={aboutField(error, 'maxFineCents')} />
      <Checkbox label="Items under this rule may be placed on hold" checked={holdable} onChange={setHoldable} />
      <Field label="Days a hold waits to be picked up (optional)" hint="Empty: the library’s setting." type="number" min={1} value={form.holdPickupDays} onChange={set('holdPickupDays')} error={aboutField(error, 'holdPickupDays')} />
      <ErrorMessage error={error} />
      <button type="submit" disabled={busy}>
        Set the rule
      </button>
    </form>
  );
}

function Explain({ base, branches, categories, types }: { base: string; branches: BranchRow[]; categories: CategoryRow[]; types: ItemTypeRow[] }) {
  const [form, setForm] = useState({ branch: '', category: '', type: '' });
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
      <h3 id="explain-title">Which rule applies?</h3>
      <Select label="Item’s branch" value={chosen.branch} onChange={(e) => setForm((f) => ({ ...f, branch: e.target.value }))} options={branches.map((b) => ({ value: b.code, label: `${b.name} (${b.code})` }))} />
      <Select label="Patron’s category" value={chosen.category} onChange={(e) => setForm((f) => ({ ...f, category: e.target.value }))} options={categories.map((c) => ({ value: c.code, label: `${c.name} (${c.code})` }))} />
      <Select label="Item’s type" value={chosen.type} onChange={(e) => setForm((f) => ({ ...f, type: e.target.value }))} options={types.map((t) => ({ value: t.code, label: `${t.name} (${t.code})` }))} />
      <ErrorMessage error={error} />
      <button type="submit" disabled={busy}>
        Explain
      </button>
      {answer && (
        <div role="status" className="explanation">
          <p>{answer.reason}</p>
          {answer.applied && (
            <p>
              Applied: {answer.applied.loanDays === 0 ? 'not for loan' : `${plural(answer.applied.loanDays, 'day')}, ${plural(answer.applied.renewals, 'renewal')}, ${money(answer.applied.finePerDayCents)} a day up to ${money(answer.applied.maxFineCents)}`}
              .
            </p>
          )}
        </div>
      )}
    </form>
  );
}
