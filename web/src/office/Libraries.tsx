import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { useT } from '../i18n';
import { ErrorMessage, Field, Notice, Page, Select, aboutField, useAction, useLoad } from '../ui/components';

/** A library as GET /libraries and POST /libraries answer it. */
interface LibraryRow {
  id: string;
  name: string;
  profileId: string;
  timeZone: string;
  branches: { id: string; code: string; name: string }[];
}

interface ProfileRow {
  id: string;
  name: string;
  jurisdiction: string;
}

/**
 * The installation's libraries (library.administer, installation-wide): each with its policy profile,
 * time zone and branches, and a form to add one. A new library starts with one branch, the adult and
 * juvenile categories and a fallback loan rule; the library's setup page then makes it its own.
 */
export function LibrariesPage({ onAdded }: { onAdded: () => void }) {
  const libraries = useLoad(() => api<LibraryRow[]>('GET', '/libraries'), []);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const t = useT();
  return (
    <Page title={t('setup.libraries.title')}>
      <p>{t('setup.libraries.intro')}</p>
      <Notice>{notice}</Notice>
      <ErrorMessage error={libraries.error} />
      <table>
        <caption>{t('setup.libraries.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('setup.libraries.col.id')}</th>
            <th scope="col">{t('setup.libraries.col.name')}</th>
            <th scope="col">{t('setup.libraries.col.profile')}</th>
            <th scope="col">{t('setup.libraries.col.timeZone')}</th>
            <th scope="col">{t('setup.libraries.col.branches')}</th>
          </tr>
        </thead>
        <tbody>
          {(libraries.data ?? []).map((l) => (
            <tr key={l.id}>
              <td>{l.id}</td>
              <td>{l.name}</td>
              <td>{l.profileId}</td>
              <td>{l.timeZone}</td>
              <td>{l.branches.map((b) => `${b.name} (${b.code})`).join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <AddLibrary
        onAdded={(library) => {
          setNotice(t('setup.libraries.added', { name: library.name, id: library.id }));
          libraries.reload();
          onAdded();
        }}
      />
    </Page>
  );
}

function AddLibrary({ onAdded }: { onAdded: (library: LibraryRow) => void }) {
  const t = useT();
  const profiles = useLoad(() => api<ProfileRow[]>('GET', '/profiles'), []);
  const empty = { id: '', name: '', profileId: '', timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone, branchCode: 'main', branchName: '' };
  const [form, setForm] = useState(empty);
  const { run, busy, error } = useAction();
  const set = (key: keyof typeof empty) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value }));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const name = form.name.trim();
    const library = await run(() =>
      api<LibraryRow>('POST', '/libraries', {
        id: form.id.trim(),
        name,
        ...(form.profileId ? { profileId: form.profileId } : {}),
        timeZone: form.timeZone.trim(),
        branches: [{ code: form.branchCode.trim(), name: form.branchName.trim() || `${name} (${form.branchCode.trim()})` }],
      }),
    );
    if (library) {
      setForm(empty);
      onAdded(library);
    }
  };
  return (
    <section aria-labelledby="libraries-add">
      <h2 id="libraries-add">{t('setup.libraries.add.title')}</h2>
      <form className="office-form narrow" onSubmit={(e) => void submit(e)}>
        <Field label={t('setup.libraries.add.id')} name="libraryId" hint={t('setup.libraries.add.id.hint')} required maxLength={40} autoComplete="off" spellCheck={false} value={form.id} onChange={set('id')} error={aboutField(error, 'id')} />
        <Field label={t('setup.libraries.add.name')} name="libraryName" required maxLength={200} value={form.name} onChange={set('name')} error={aboutField(error, 'name')} />
        <Select
          label={t('setup.libraries.add.profile')}
          name="profileId"
          value={form.profileId}
          onChange={set('profileId')}
          options={[{ value: '', label: t('setup.libraries.add.profile.default') }, ...(profiles.data ?? []).map((p) => ({ value: p.id, label: `${p.name} (${p.jurisdiction})` }))]}
          error={aboutField(error, 'profile')}
        />
        <Field label={t('setup.libraries.add.timeZone')} name="timeZone" hint={t('setup.libraries.add.timeZone.hint')} required maxLength={100} value={form.timeZone} onChange={set('timeZone')} error={aboutField(error, 'timeZone')} />
        <Field label={t('setup.libraries.add.branchCode')} name="branchCode" required maxLength={40} value={form.branchCode} onChange={set('branchCode')} />
        <Field label={t('setup.libraries.add.branchName')} name="branchName" maxLength={200} value={form.branchName} onChange={set('branchName')} />
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy}>
          {t('setup.libraries.add.submit')}
        </button>
      </form>
    </section>
  );
}
