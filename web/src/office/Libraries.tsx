import { useState, type FormEvent } from 'react';
import { api } from '../api';
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
  return (
    <Page title="Libraries">
      <p>The libraries of this installation. A consortium holds several; each has its own policy profile, branches, rules and staff.</p>
      <Notice>{notice}</Notice>
      <ErrorMessage error={libraries.error} />
      <table>
        <caption>Libraries</caption>
        <thead>
          <tr>
            <th scope="col">Id</th>
            <th scope="col">Name</th>
            <th scope="col">Policy profile</th>
            <th scope="col">Time zone</th>
            <th scope="col">Branches</th>
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
          setNotice(`${library.name} (${library.id}) is added. Choose it in the Library list to set up its branches, rules and staff.`);
          libraries.reload();
          onAdded();
        }}
      />
    </Page>
  );
}

function AddLibrary({ onAdded }: { onAdded: (library: LibraryRow) => void }) {
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
      <h2 id="libraries-add">Add a library</h2>
      <form className="office-form narrow" onSubmit={(e) => void submit(e)}>
        <Field label="Library id" name="libraryId" hint="2–40 lower-case letters, digits or hyphens; it never changes" required maxLength={40} autoComplete="off" spellCheck={false} value={form.id} onChange={set('id')} error={aboutField(error, 'id')} />
        <Field label="Library name" name="libraryName" required maxLength={200} value={form.name} onChange={set('name')} error={aboutField(error, 'name')} />
        <Select
          label="Policy profile"
          name="profileId"
          value={form.profileId}
          onChange={set('profileId')}
          options={[{ value: '', label: 'The installation’s default' }, ...(profiles.data ?? []).map((p) => ({ value: p.id, label: `${p.name} (${p.jurisdiction})` }))]}
          error={aboutField(error, 'profile')}
        />
        <Field label="Time zone" name="timeZone" hint="IANA name, for example America/Denver" required maxLength={100} value={form.timeZone} onChange={set('timeZone')} error={aboutField(error, 'timeZone')} />
        <Field label="First branch code" name="branchCode" required maxLength={40} value={form.branchCode} onChange={set('branchCode')} />
        <Field label="First branch name" name="branchName" maxLength={200} value={form.branchName} onChange={set('branchName')} />
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy}>
          Add the library
        </button>
      </form>
    </section>
  );
}
