import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { useSession } from '../session';
import { ErrorMessage, Field, Notice, Page, Table, aboutField, useAction, useLoad } from '../ui/components';
import { Confirm, libraryToday, plural, useLibrary, when } from './common';

/** A series of the register, as GET /libraries/:libraryId/record-series answers it. */
interface Series {
  code: string;
  name: string;
  medium: string;
  location: string | null;
  retentionDays: number;
  clause: string | null;
  fromProfile: boolean;
  createdAt: string;
  lastDisposal: { disposedThrough: string; method: string; confirmedBy: string; confirmedAt: string } | null;
  due: { status: 'due' | 'not-due'; dueThrough: string; overdueSince: string | null; reason: string };
}

const REASONS: Record<string, string> = {
  'never-confirmed': 'no disposal confirmed yet',
  'confirmation-behind-cutoff': 'the last confirmation is behind the retention cut-off',
  'confirmed-through-cutoff': 'confirmed through the cut-off',
  'within-retention-since-registered': 'still within retention since it was registered',
};

/**
 * Records kept outside Carrel (camera footage, paper sign-up sheets): the register, what is due for
 * disposal, and (records.manage) adding a series and confirming a disposal.
 */
export function RecordSeriesPage() {
  const library = useLibrary();
  const session = useSession();
  const manage = session.can('records.manage');
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const base = `/libraries/${encodeURIComponent(library.id)}/record-series`;
  const all = useLoad(() => api<Series[]>('GET', base), [base]);
  const due = useLoad(() => api<Series[]>('GET', `${base}/due`), [base]);
  const reload = () => {
    all.reload();
    due.reload();
  };

  return (
    <Page title="Records kept outside Carrel">
      <p>
        The register of records the library keeps outside Carrel — camera footage, paper sign-up sheets — with how long each is kept. Carrel cannot destroy them: staff do, and
        confirm it here, so the register shows what is due.
      </p>
      <Notice>{notice}</Notice>
      <section aria-labelledby="series-due">
        <h2 id="series-due">Due for disposal</h2>
        <ErrorMessage error={due.error} />
        {due.loading && !due.data && <p className="loading">Loading…</p>}
        {due.data && due.data.length === 0 && <p>No series is due for disposal.</p>}
        {due.data && due.data.length > 0 && (
          <ul>
            {due.data.map((s) => (
              <li key={s.code}>
                <strong>{s.name}</strong> ({s.code}): destroy everything recorded through {when(s.due.dueThrough)}
                {s.due.overdueSince ? `, overdue since ${when(s.due.overdueSince)}` : ''}.
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="series-register">
        <h2 id="series-register">The register</h2>
        <ErrorMessage error={all.error} />
        {all.loading && !all.data && <p className="loading">Loading…</p>}
        {all.data && all.data.length === 0 && <p>The register has no series.</p>}
        {all.data && all.data.length > 0 && (
          <Table caption={plural(all.data.length, 'series', 'series')} columns={['Series', 'Medium and place', { label: 'Kept (days)', num: true }, 'Clause', 'Last disposal', 'State', manage && 'Confirm']}>
            {all.data.map((s) => (
              <SeriesRow
                key={s.code}
                series={s}
                manage={manage}
                base={base}
                latest={libraryToday(library.timeZone, new Date(Date.now() - 86_400_000))}
                onConfirmed={(text) => {
                  setNotice(text);
                  reload();
                }}
              />
            ))}
          </Table>
        )}
      </section>
      {manage && (
        <AddSeries
          base={base}
          onAdded={(s) => {
            setNotice(`The series ${s.name} (${s.code}) is in the register, kept ${plural(s.retentionDays, 'day')}.`);
            reload();
          }}
        />
      )}
    </Page>
  );
}

function SeriesRow({ series: s, manage, base, latest, onConfirmed }: { series: Series; manage: boolean; base: string; latest: string; onConfirmed: (text: string) => void }) {
  const [through, setThrough] = useState(latest);
  const [method, setMethod] = useState('');
  const { run, busy, error } = useAction();
  const confirm = async () => {
    const answer = await run(() =>
      api<{ series: Series }>('POST', `${base}/${encodeURIComponent(s.code)}/disposals`, { disposedThrough: through, ...(method.trim() ? { method: method.trim() } : {}) }),
    );
    if (answer) onConfirmed(`Disposal of ${s.name} confirmed through ${when(answer.series.lastDisposal?.disposedThrough)}.`);
  };
  return (
    <tr>
      <th scope="row">
        {s.name} <span className="code">({s.code})</span>
        {s.fromProfile && <div className="hint">From the policy profile</div>}
      </th>
      <td>
        {s.medium}
        {s.location ? `, ${s.location}` : ''}
      </td>
      <td className="num">{s.retentionDays}</td>
      <td>{s.clause ?? '—'}</td>
      <td>{s.lastDisposal ? `Through ${when(s.lastDisposal.disposedThrough)} (${s.lastDisposal.method}), confirmed ${when(s.lastDisposal.confirmedAt)}` : 'None confirmed'}</td>
      <td>
        {s.due.status === 'due' ? <span className="badge warn">Due</span> : <span className="badge">Not due</span>}
        <div className="hint">{REASONS[s.due.reason] ?? s.due.reason}</div>
      </td>
      {manage && (
        <td>
          <Field label={`Destroyed through (${s.code})`} type="date" max={latest} required hint="The end of that day in the library’s time zone: a day can be confirmed once it has ended." value={through} onChange={(e) => setThrough(e.target.value)} error={aboutField(error, 'disposedThrough')} />
          <Field label={`How (${s.code})`} hint="Optional: shredded, overwritten…" maxLength={200} autoComplete="off" value={method} onChange={(e) => setMethod(e.target.value)} error={aboutField(error, 'method')} />
          <Confirm
            label={`Confirm disposal of ${s.code}`}
            question={
              <p>
                Confirm that everything of {s.name} recorded through {through || 'the date given'} has been destroyed? The confirmation is kept with your name and cannot be undone.
              </p>
            }
            confirmLabel="Yes, it was destroyed"
            onConfirm={confirm}
            busy={busy || !through}
          />
          <ErrorMessage error={error} />
        </td>
      )}
    </tr>
  );
}

function AddSeries({ base, onAdded }: { base: string; onAdded: (series: Series) => void }) {
  const empty = { code: '', name: '', medium: '', location: '', retentionDays: '', clause: '' };
  const [form, setForm] = useState(empty);
  const { run, busy, error } = useAction();
  const set = (key: keyof typeof empty) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value }));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const added = await run(() =>
      api<Series>('POST', base, {
        code: form.code.trim(),
        name: form.name.trim(),
        medium: form.medium.trim(),
        location: form.location.trim() || null,
        retentionDays: Number(form.retentionDays),
        clause: form.clause.trim() || null,
      }),
    );
    if (added) {
      setForm(empty);
      onAdded(added);
    }
  };
  return (
    <section aria-labelledby="series-add">
      <h2 id="series-add">Add a series</h2>
      <form className="office-form" onSubmit={(e) => void submit(e)}>
        <Field label="Code" hint="Lower-case letters, digits and dashes, such as security-camera." name="seriesCode" required autoComplete="off" value={form.code} onChange={set('code')} error={aboutField(error, 'code')} />
        <Field label="Name" name="seriesName" required maxLength={200} autoComplete="off" value={form.name} onChange={set('name')} error={aboutField(error, 'name')} />
        <Field label="Medium" hint="What the records are on: digital video, paper…" name="seriesMedium" required maxLength={100} autoComplete="off" value={form.medium} onChange={set('medium')} error={aboutField(error, 'medium')} />
        <Field label="Where they are kept (optional)" name="seriesLocation" maxLength={200} autoComplete="off" value={form.location} onChange={set('location')} error={aboutField(error, 'location')} />
        <Field label="Kept for (days)" name="seriesDays" type="number" min={0} max={36500} required value={form.retentionDays} onChange={set('retentionDays')} error={aboutField(error, 'retentionDays')} />
        <Field label="Policy clause (optional)" hint="Such as CB-H or RF-9." name="seriesClause" maxLength={40} autoComplete="off" value={form.clause} onChange={set('clause')} error={aboutField(error, 'clause')} />
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy}>
          Add the series
        </button>
      </form>
    </section>
  );
}
