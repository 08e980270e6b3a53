import { useState, type FormEvent } from 'react';
import type { StaffAccountView } from '../../../src/http/schemas/staff';
import { ROLES } from '../../../src/domain/roles';
import { api, query } from '../api';
import { tRich, useT, wordFor, type MessageId } from '../i18n';
import { useSession } from '../session';
import { Checkbox, ErrorMessage, Field, Notice, Page, Table, aboutField, day, useAction, useLoad } from '../ui/components';
import { Confirm, useLibrary } from './common';

/** What each role is for, in a word or two (the permissions themselves are in src/policy/permissions.ts). */
const ROLE_WORDS: Record<string, MessageId> = {
  volunteer: 'setup.role.volunteer',
  circulation: 'setup.role.circulation',
  librarian: 'setup.role.librarian',
  'branch-manager': 'setup.role.branchManager',
  director: 'setup.role.director',
  admin: 'setup.role.admin',
};

/** A role in words (an unknown role by its code). */
function roleName(role: string): string {
  return wordFor(ROLE_WORDS, role);
}

/** Roles in words, in the order given. */
const roleNames = (roles: readonly string[]) => roles.map(roleName).join(', ');

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
  const t = useT();
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
    <Page title={t('setup.staff.title')}>
      <p>{consortium ? t('setup.staff.intro.consortium') : tRich('setup.staff.intro.library', { library: library.name, b: (chunks) => <strong>{chunks}</strong> })}</p>
      <Notice>{notice}</Notice>
      {shown && <PasswordOnce shown={shown} onDone={() => setShown(undefined)} />}
      <ErrorMessage error={accounts.error} />
      {accounts.loading && !accounts.data && <p className="loading">{t('common.loading')}</p>}
      {accounts.data && (
        <Table
          caption={t('setup.staff.accounts', { count: accounts.data.length })}
          columns={[t('setup.staff.col.username'), t('setup.staff.col.library'), t('setup.staff.col.roles'), t('setup.staff.col.state'), t('setup.staff.col.since'), t('setup.staff.col.manage')]}
        >
          {accounts.data.map((a) => (
            <tr key={a.id}>
              <th scope="row">{a.username}</th>
              <td>{a.libraryId ?? t('setup.staff.wholeConsortium')}</td>
              <td>{roleNames(a.roles)}</td>
              <td>
                {a.disabled ? <span className="badge warn">{t('setup.staff.disabled')}</span> : <span className="badge">{t('setup.staff.active')}</span>}
                {a.mustChangePassword && <div className="hint">{t('setup.staff.mustChangePassword')}</div>}
              </td>
              <td>{day(a.createdAt)}</td>
              <td>
                <button type="button" className="secondary" aria-pressed={managing === a.id} onClick={() => setManaging(managing === a.id ? undefined : a.id)}>
                  {t('setup.staff.manage', { username: a.username })}
                </button>
              </td>
            </tr>
          ))}
        </Table>
      )}
      {chosen && <ManageAccount key={chosen.id} account={chosen} self={chosen.id === session.actor?.id} onChanged={changed} />}
      <AddAccount libraryId={library.id} libraryName={library.name} consortium={consortium} onAdded={(a, password) => changed(t('setup.staff.added', { username: a.username }), { username: a.username, password, why: 'added' })} />
    </Page>
  );
}

function PasswordOnce({ shown, onDone }: { shown: Shown; onDone: () => void }) {
  const t = useT();
  return (
    <section className="card" aria-labelledby="password-once" role="status">
      <h2 id="password-once">{t('setup.staff.password.title', { username: shown.username })}</h2>
      <p>
        <code className="password-once" data-testid="generated-password">
          {shown.password}
        </code>
      </p>
      <p>{t('setup.staff.password.once', { username: shown.username, why: shown.why })}</p>
      <button type="button" onClick={onDone}>
        {t('setup.staff.password.hide')}
      </button>
    </section>
  );
}

function RolePicker({ legend, roles, onChange, error }: { legend: string; roles: string[]; onChange: (roles: string[]) => void; error?: string | undefined }) {
  useT();
  return (
    <fieldset>
      <legend>{legend}</legend>
      {ROLES.map((role) => (
        <Checkbox
          key={role}
          label={roleName(role)}
          checked={roles.includes(role)}
          onChange={(on) => onChange(on ? [...roles, role] : roles.filter((r) => r !== role))}
        />
      ))}
      {error && <p className="field-error">{error}</p>}
    </fieldset>
  );
}

function ManageAccount({ account, self, onChanged }: { account: StaffAccountView; self: boolean; onChanged: (text: string, password?: Shown) => void }) {
  const t = useT();
  const [roles, setRoles] = useState<string[]>(account.roles);
  const { run, busy, error } = useAction();
  const saveRoles = async (event: FormEvent) => {
    event.preventDefault();
    const answer = await run(() => api<StaffAccountView>('PATCH', `/staff/${encodeURIComponent(account.id)}`, { roles }));
    if (answer) onChanged(t('setup.staff.rolesSaved', { username: answer.username, roles: roleNames(answer.roles) }));
  };
  const disable = async () => {
    const answer = await run(() => api<StaffAccountView>('POST', `/staff/${encodeURIComponent(account.id)}/disable`));
    if (answer) onChanged(t('setup.staff.disabledNotice', { username: answer.username }));
  };
  const enable = async () => {
    const answer = await run(() => api<StaffAccountView>('POST', `/staff/${encodeURIComponent(account.id)}/enable`));
    if (answer) onChanged(t('setup.staff.enabledNotice', { username: answer.username }));
  };
  const reset = async () => {
    const answer = await run(() => api<{ account: StaffAccountView; password: string }>('POST', `/staff/${encodeURIComponent(account.id)}/reset-password`));
    if (answer) onChanged(t('setup.staff.resetNotice', { username: answer.account.username }), { username: answer.account.username, password: answer.password, why: 'reset' });
  };
  return (
    <section aria-labelledby="manage-account" className="narrow">
      <h2 id="manage-account">{t('setup.staff.manage', { username: account.username })}</h2>
      <form onSubmit={(e) => void saveRoles(e)}>
        <RolePicker legend={t('setup.staff.rolesOf', { username: account.username })} roles={roles} onChange={setRoles} error={aboutField(error, 'roles')} />
        <button type="submit" disabled={busy || roles.length === 0}>
          {t('setup.staff.saveRoles')}
        </button>
      </form>
      <div className="actions">
        {account.disabled ? (
          <button type="button" disabled={busy} onClick={() => void enable()}>
            {t('setup.staff.enable', { username: account.username })}
          </button>
        ) : (
          !self && (
            <Confirm
              label={t('setup.staff.disable', { username: account.username })}
              question={<p>{t('setup.staff.disable.question', { username: account.username })}</p>}
              confirmLabel={t('setup.staff.disable.confirm', { username: account.username })}
              onConfirm={disable}
              busy={busy}
              danger
            />
          )
        )}
        <Confirm
          label={t('setup.staff.reset', { username: account.username })}
          question={<p>{t('setup.staff.reset.question', { username: account.username })}</p>}
          confirmLabel={t('setup.staff.reset.confirm')}
          onConfirm={reset}
          busy={busy}
        />
      </div>
      <ErrorMessage error={error} />
    </section>
  );
}

function AddAccount({ libraryId, libraryName, consortium, onAdded }: { libraryId: string; libraryName: string; consortium: boolean; onAdded: (account: StaffAccountView, password: string) => void }) {
  const t = useT();
  const [username, setUsername] = useState('');
  const [roles, setRoles] = useState<string[]>(['circulation']);
  const [wide, setWide] = useState(false);
  const { run, busy, error } = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const answer = await run(() => api<{ account: StaffAccountView; password: string }>('POST', '/staff', { username: username.trim(), libraryId: wide ? null : libraryId, roles: wide ? ['admin'] : roles }));
    if (answer) {
      setUsername('');
      onAdded(answer.account, answer.password);
    }
  };
  return (
    <section aria-labelledby="add-account">
      <h2 id="add-account">{t('setup.staff.add.title')}</h2>
      <p>{consortium ? t('setup.staff.add.intro.consortium', { library: libraryName }) : t('setup.staff.add.intro', { library: libraryName })}</p>
      <form className="narrow" onSubmit={(e) => void submit(e)}>
        <Field
          label={t('setup.staff.add.username')}
          hint={t('setup.staff.add.username.hint')}
          autoComplete="off"
          required
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          error={aboutField(error, 'username')}
        />
        {/* An account without a library runs the system and reads no patron: it holds the admin role alone (issue 22). */}
        {!wide && <RolePicker legend={t('setup.staff.add.roles')} roles={roles} onChange={setRoles} error={aboutField(error, 'roles')} />}
        {consortium && <Checkbox label={t('setup.staff.add.wide')} checked={wide} onChange={setWide} />}
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy || (!wide && roles.length === 0)}>
          {t('setup.staff.add.submit')}
        </button>
      </form>
    </section>
  );
}
