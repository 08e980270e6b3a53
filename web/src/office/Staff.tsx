import { useState, type FormEvent } from 'react';
import type { StaffAccountView } from '../../../src/http/schemas/staff';
import { ROLES } from '../../../src/domain/roles';
import { api, query } from '../api';
import { useSession } from '../session';
import { Checkbox, ErrorMessage, Field, Notice, Page, Table, aboutField, day, useAction, useLoad } from '../ui/components';
import { Confirm, plural, useLibrary } from './common';

/** What each role is for, in a word or two (the permissions themselves are in src/policy/permissions.ts). */
const ROLE_WORDS: Record<string, string> = {
  volunteer: 'Volunteer (hold shelf only)',
  circulation: 'Circulation clerk',
  librarian: 'Librarian',
  'branch-manager': 'Branch manager',
  director: 'Director (privacy officer)',
  admin: 'System administrator',
};

/** A password Carrel generated, shown once with what to do with it. */
interface Shown {
  username: string;
  password: string;
  why: 'added' | 'reset';
}

/**
 * The library's staff accounts (staff.manage): who they are, their roles and state; add one, disable
 * or re-enable it, change its roles, reset its password. A generated password is shown once, here, and
 * never again.
 */
export function StaffPage() {
  const library = useLibrary();
  const session = useSession();
  const consortium = session.actor?.libraryId === null;
  const accounts = useLoad(() => api<StaffAccountView[]>('GET', `/staff${consortium ? '' : query({ libraryId: library.id })}`), [library.id, consortium]);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [shown, setShown] = useState<Shown | undefined>(undefined);
  const [managing, setManaging] = useState<string | undefined>(undefined);
  const chosen = accounts.data?.find((a) => a.id === managing);

  const changed = (text: string, password?: Shown) => {
    setNotice(text);
    setShown(password);
    accounts.reload();
  };

  return (
    <Page title="Staff">
      <p>
        The accounts of {consortium ? 'every library of the consortium' : <strong>{library.name}</strong>}. Disabling an account ends its sessions at once. Every change here is entered in
        the access log with your name.
      </p>
      <Notice>{notice}</Notice>
      {shown && <PasswordOnce shown={shown} onDone={() => setShown(undefined)} />}
      <ErrorMessage error={accounts.error} />
      {accounts.loading && !accounts.data && <p className="loading">Loading…</p>}
      {accounts.data && (
        <Table caption={plural(accounts.data.length, 'account')} columns={['Username', 'Library', 'Roles', 'State', 'Since', 'Manage']}>
          {accounts.data.map((a) => (
            <tr key={a.id}>
              <th scope="row">{a.username}</th>
              <td>{a.libraryId ?? 'Whole consortium'}</td>
              <td>{a.roles.map((r) => ROLE_WORDS[r] ?? r).join(', ')}</td>
              <td>
                {a.disabled ? <span className="badge warn">Disabled</span> : <span className="badge">Active</span>}
                {a.mustChangePassword && <div className="hint">Must change password at next log-in</div>}
              </td>
              <td>{day(a.createdAt)}</td>
              <td>
                <button type="button" className="secondary" aria-pressed={managing === a.id} onClick={() => setManaging(managing === a.id ? undefined : a.id)}>
                  Manage {a.username}
                </button>
              </td>
            </tr>
          ))}
        </Table>
      )}
      {chosen && <ManageAccount key={chosen.id} account={chosen} self={chosen.id === session.actor?.id} onChanged={changed} />}
      <AddAccount libraryId={library.id} libraryName={library.name} consortium={consortium} onAdded={(a, password) => changed(`The account ${a.username} was added.`, { username: a.username, password, why: 'added' })} />
    </Page>
  );
}

function PasswordOnce({ shown, onDone }: { shown: Shown; onDone: () => void }) {
  return (
    <section className="card" aria-labelledby="password-once" role="status">
      <h2 id="password-once">Password for {shown.username}</h2>
      <p>
        <code className="password-once" data-testid="generated-password">
          {shown.password}
        </code>
      </p>
      <p>
        This password is shown only now: give it to {shown.username} in person. {shown.why === 'reset' ? 'They must choose a new one when they next log in.' : 'They should change it once logged in.'}
      </p>
      <button type="button" onClick={onDone}>
        I have given it; hide it
      </button>
    </section>
  );
}

function RolePicker({ legend, roles, onChange, error }: { legend: string; roles: string[]; onChange: (roles: string[]) => void; error?: string | undefined }) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      {ROLES.map((role) => (
        <Checkbox
          key={role}
          label={ROLE_WORDS[role] ?? role}
          checked={roles.includes(role)}
          onChange={(on) => onChange(on ? [...roles, role] : roles.filter((r) => r !== role))}
        />
      ))}
      {error && <p className="field-error">{error}</p>}
    </fieldset>
  );
}

function ManageAccount({ account, self, onChanged }: { account: StaffAccountView; self: boolean; onChanged: (text: string, password?: Shown) => void }) {
  const [roles, setRoles] = useState<string[]>(account.roles);
  const { run, busy, error } = useAction();
  const saveRoles = async (event: FormEvent) => {
    event.preventDefault();
    const answer = await run(() => api<StaffAccountView>('PATCH', `/staff/${encodeURIComponent(account.id)}`, { roles }));
    if (answer) onChanged(`${answer.username} now holds: ${answer.roles.map((r) => ROLE_WORDS[r] ?? r).join(', ')}.`);
  };
  const disable = async () => {
    const answer = await run(() => api<StaffAccountView>('POST', `/staff/${encodeURIComponent(account.id)}/disable`));
    if (answer) onChanged(`The account ${answer.username} is disabled; its sessions have ended.`);
  };
  const enable = async () => {
    const answer = await run(() => api<StaffAccountView>('POST', `/staff/${encodeURIComponent(account.id)}/enable`));
    if (answer) onChanged(`The account ${answer.username} can log in again.`);
  };
  const reset = async () => {
    const answer = await run(() => api<{ account: StaffAccountView; password: string }>('POST', `/staff/${encodeURIComponent(account.id)}/reset-password`));
    if (answer) onChanged(`The password of ${answer.account.username} was reset; its sessions have ended.`, { username: answer.account.username, password: answer.password, why: 'reset' });
  };
  return (
    <section aria-labelledby="manage-account" className="narrow">
      <h2 id="manage-account">Manage {account.username}</h2>
      <form onSubmit={(e) => void saveRoles(e)}>
        <RolePicker legend={`Roles of ${account.username}`} roles={roles} onChange={setRoles} error={aboutField(error, 'roles')} />
        <button type="submit" disabled={busy || roles.length === 0}>
          Save roles
        </button>
      </form>
      <div className="actions">
        {account.disabled ? (
          <button type="button" disabled={busy} onClick={() => void enable()}>
            Enable {account.username}
          </button>
        ) : (
          !self && (
            <Confirm
              label={`Disable ${account.username}`}
              question={<p>Disable {account.username}? They are logged out at once and cannot log in until the account is enabled again.</p>}
              confirmLabel={`Yes, disable ${account.username}`}
              onConfirm={disable}
              busy={busy}
              danger
            />
          )
        )}
        <Confirm
          label={`Reset the password of ${account.username}`}
          question={<p>Reset the password of {account.username}? Their sessions end, and they must choose a new password when they log in with the one shown next.</p>}
          confirmLabel="Yes, reset it"
          onConfirm={reset}
          busy={busy}
        />
      </div>
      <ErrorMessage error={error} />
    </section>
  );
}

function AddAccount({ libraryId, libraryName, consortium, onAdded }: { libraryId: string; libraryName: string; consortium: boolean; onAdded: (account: StaffAccountView, password: string) => void }) {
  const [username, setUsername] = useState('');
  const [roles, setRoles] = useState<string[]>(['circulation']);
  const [wide, setWide] = useState(false);
  const { run, busy, error } = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const answer = await run(() => api<{ account: StaffAccountView; password: string }>('POST', '/staff', { username: username.trim(), libraryId: wide ? null : libraryId, roles }));
    if (answer) {
      setUsername('');
      onAdded(answer.account, answer.password);
    }
  };
  return (
    <section aria-labelledby="add-account">
      <h2 id="add-account">Add an account</h2>
      <p>The account works for {libraryName}{consortium ? ' unless you make it consortium-wide' : ''}. Carrel generates its password and shows it once.</p>
      <form className="narrow" onSubmit={(e) => void submit(e)}>
        <Field
          label="Username"
          hint="2 to 64 lower-case letters, digits, dots, hyphens or underscores."
          autoComplete="off"
          required
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          error={aboutField(error, 'username')}
        />
        <RolePicker legend="Roles" roles={roles} onChange={setRoles} error={aboutField(error, 'roles')} />
        {consortium && <Checkbox label="Consortium-wide (reaches every library)" checked={wide} onChange={setWide} />}
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy || roles.length === 0}>
          Add account
        </button>
      </form>
    </section>
  );
}
