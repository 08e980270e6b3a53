import { useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../api';
import { useSession } from '../session';
import { tRich, useLanguage, useT, type MessageId } from '../i18n';
import { ErrorMessage, Field, Notice, Page, Table, aboutField, count, useAction, useLoad } from '../ui/components';
import { Confirm, libraryToday, useLibrary, when } from './common';

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

const REASONS: Record<string, MessageId> = {
  'never-confirmed': 'officerecords.recordSeries.reason.neverConfirmed',
  'confirmation-behind-cutoff': 'officerecords.recordSeries.reason.behindCutoff',
  'confirmed-through-cutoff': 'officerecords.recordSeries.reason.throughCutoff',
  'within-retention-since-registered': 'officerecords.recordSeries.reason.withinRetention',
};

const bold = (chunks: ReactNode[]) => <strong>{chunks}</strong>;

/**
 * Records kept outside Carrel (camera footage, paper sign-up sheets): the register, what is due for
 * disposal, and (records.manage) adding a series and confirming a disposal.
 */
export function RecordSeriesPage() {
  const t = useT();
  const library = useLibrary();
  const session = useSession();
  const manage = session.can('records.manage');
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const base = `/libraries/${encodeURIComponent(library.id)}/record-series`;
  // Named in the page's language where Carrel has words for a series (a library's own keep theirs).
  const { language } = useLanguage();
  const all = useLoad(() => api<Series[]>('GET', `${base}?lang=${language}`), [base, language]);
  const due = useLoad(() => api<Series[]>('GET', `${base}/due?lang=${language}`), [base, language]);
  const reload = () => {
    all.reload();
    due.reload();
  };

  return (
    <Page title={t('officerecords.recordSeries.title')}>
      <p>{t('officerecords.recordSeries.intro')}</p>
      <Notice>{notice}</Notice>
      <section aria-labelledby="series-due">
        <h2 id="series-due">{t('officerecords.recordSeries.due')}</h2>
        <ErrorMessage error={due.error} />
        {due.loading && !due.data && <p className="loading">{t('common.loading')}</p>}
        {due.data && due.data.length === 0 && <p>{t('officerecords.recordSeries.due.none')}</p>}
        {due.data && due.data.length > 0 && (
          <ul>
            {due.data.map((s) => (
              <li key={s.code}>
                {s.due.overdueSince
                  ? tRich('officerecords.recordSeries.due.itemOverdue', { b: bold, name: s.name, code: s.code, through: when(s.due.dueThrough), since: when(s.due.overdueSince) })
                  : tRich('officerecords.recordSeries.due.item', { b: bold, name: s.name, code: s.code, through: when(s.due.dueThrough) })}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="series-register">
        <h2 id="series-register">{t('officerecords.recordSeries.register')}</h2>
        <ErrorMessage error={all.error} />
        {all.loading && !all.data && <p className="loading">{t('common.loading')}</p>}
        {all.data && all.data.length === 0 && <p>{t('officerecords.recordSeries.register.none')}</p>}
        {all.data && all.data.length > 0 && (
          <Table
            caption={t('officerecords.recordSeries.register.count', { count: all.data.length })}
            columns={[
              t('officerecords.recordSeries.col.series'),
              t('officerecords.recordSeries.col.medium'),
              { label: t('officerecords.recordSeries.col.kept'), num: true },
              t('officerecords.recordSeries.col.clause'),
              t('officerecords.recordSeries.col.lastDisposal'),
              t('officerecords.recordSeries.col.state'),
              manage && t('officerecords.recordSeries.col.confirm'),
            ]}
          >
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
            setNotice(t('officerecords.recordSeries.added', { name: s.name, code: s.code, days: s.retentionDays }));
            reload();
          }}
        />
      )}
    </Page>
  );
}

function SeriesRow({ series: s, manage, base, latest, onConfirmed }: { series: Series; manage: boolean; base: string; latest: string; onConfirmed: (text: string) => void }) {
  const t = useT();
  const [through, setThrough] = useState(latest);
  const [method, setMethod] = useState('');
  const { run, busy, error } = useAction();
  const reason = REASONS[s.due.reason];
  const confirm = async () => {
    const answer = await run(() =>
      api<{ series: Series }>('POST', `${base}/${encodeURIComponent(s.code)}/disposals`, { disposedThrough: through, ...(method.trim() ? { method: method.trim() } : {}) }),
    );
    if (answer) onConfirmed(t('officerecords.recordSeries.confirmed', { name: s.name, through: when(answer.series.lastDisposal?.disposedThrough) }));
  };
  return (
    <tr>
      <th scope="row">
        {s.name} <span className="code">({s.code})</span>
        {s.fromProfile && <div className="hint">{t('officerecords.recordSeries.fromProfile')}</div>}
      </th>
      <td>
        {s.medium}
        {s.location ? `, ${s.location}` : ''}
      </td>
      <td className="num">{count(s.retentionDays)}</td>
      <td>{s.clause ?? '—'}</td>
      <td>
        {s.lastDisposal
          ? t('officerecords.recordSeries.lastDisposal', { through: when(s.lastDisposal.disposedThrough), method: s.lastDisposal.method, confirmed: when(s.lastDisposal.confirmedAt) })
          : t('officerecords.recordSeries.lastDisposal.none')}
      </td>
      <td>
        {s.due.status === 'due' ? <span className="badge warn">{t('officerecords.recordSeries.state.due')}</span> : <span className="badge">{t('officerecords.recordSeries.state.notDue')}</span>}
        <div className="hint">{reason ? t(reason) : s.due.reason}</div>
      </td>
      {manage && (
        <td>
          <Field
            label={t('officerecords.recordSeries.destroyedThrough', { code: s.code })}
            type="date"
            max={latest}
            required
            hint={t('officerecords.recordSeries.destroyedThrough.hint')}
            value={through} onChange={(e) => setThrough(e.target.value)} error={aboutField(error, 'disposedThrough')} />
          <Field label={t('officerecords.recordSeries.how', { code: s.code })} hint={t('officerecords.recordSeries.how.hint')} maxLength={200} autoComplete="off" value={method} onChange={(e) => setMethod(e.target.value)} error={aboutField(error, 'method')} />
          <Confirm
            label={t('officerecords.recordSeries.confirm', { code: s.code })}
            question={
              <p>{t('officerecords.recordSeries.confirm.question', { name: s.name, through: through || t('officerecords.recordSeries.confirm.theDateGiven') })}</p>
            }
            confirmLabel={t('officerecords.recordSeries.confirm.yes')}
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
  const t = useT();
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
      <h2 id="series-add">{t('officerecords.recordSeries.add')}</h2>
      <form className="office-form" onSubmit={(e) => void submit(e)}>
        <Field label={t('officerecords.recordSeries.add.code')} hint={t('officerecords.recordSeries.add.code.hint')} name="seriesCode" required autoComplete="off" value={form.code} onChange={set('code')} error={aboutField(error, 'code')} />
        <Field label={t('officerecords.recordSeries.add.name')} name="seriesName" required maxLength={200} autoComplete="off" value={form.name} onChange={set('name')} error={aboutField(error, 'name')} />
        <Field label={t('officerecords.recordSeries.add.medium')} hint={t('officerecords.recordSeries.add.medium.hint')} name="seriesMedium" required maxLength={100} autoComplete="off" value={form.medium} onChange={set('medium')} error={aboutField(error, 'medium')} />
        <Field label={t('officerecords.recordSeries.add.location')} name="seriesLocation" maxLength={200} autoComplete="off" value={form.location} onChange={set('location')} error={aboutField(error, 'location')} />
        <Field label={t('officerecords.recordSeries.add.days')} name="seriesDays" type="number" min={0} max={36500} required value={form.retentionDays} onChange={set('retentionDays')} error={aboutField(error, 'retentionDays')} />
        <Field label={t('officerecords.recordSeries.add.clause')} hint={t('officerecords.recordSeries.add.clause.hint')} name="seriesClause" maxLength={40} autoComplete="off" value={form.clause} onChange={set('clause')} error={aboutField(error, 'clause')} />
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy}>
          {t('officerecords.recordSeries.add.submit')}
        </button>
      </form>
    </section>
  );
}
