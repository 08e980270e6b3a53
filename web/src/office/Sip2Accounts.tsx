import { useState, type FormEvent } from 'react';
import type { BranchRow } from '../../../src/http/schemas/library-config';
import type { Sip2AccountList, Sip2AccountView, Sip2KindBounds } from '../../../src/http/schemas/sip2';
import { SIP2_ACCOUNT_KINDS } from '../../../src/domain/sip2';
import { api } from '../api';
import { ErrorMessage, Field, Notice, Page, Select, Table, TextArea, aboutField, day, useAction, useLoad } from '../ui/components';
import { CheckboxGroup, Confirm, plural, useLibrary } from './common';

/**
 * The library's SIP2 accounts (library.administer, issue 16): one per self-check kiosk, sorter or
 * authentication client. What each may send and which patron fields it receives, in words; add one (its
 * generated password shown once), change its addresses and patron fields within what its kind allows at
 * this library (the list's answer says, `kinds`), disable or re-enable it, reset its password.
 */

const KIND_WORDS: Record<string, string> = {
  'self-check': 'Self-check kiosk or RFID pad',
  sorter: 'Returns sorter',
  authentication: 'Authentication client (EZproxy, PC booking, e-content vendor)',
};

/** A kind in a sentence: "only what a self-check kiosk may receive". */
const KIND_NOUN: Record<string, string> = { 'self-check': 'self-check kiosk', sorter: 'returns sorter', authentication: 'authentication client' };

/** What each SIP2 request does, in a word or two. */
const MESSAGE_WORDS: Record<string, string> = {
  '23': 'patron status',
  '11': 'check-out',
  '09': 'check-in',
  '01': 'block a card',
  '99': 'status',
  '97': 'resend',
  '93': 'log in',
  '63': 'patron information',
  '35': 'end a patron’s session',
  '37': 'pay a fee',
  '17': 'item information',
  '19': 'item status update',
  '25': 'patron enable',
  '15': 'holds',
  '29': 'renew',
  '65': 'renew all',
};

/** The session messages every account may send: left out of "may send" as they say nothing about anyone. */
const SESSION = ['93', '99', '97'];

const FIELD_WORDS: Record<string, string> = {
  'valid-patron': 'whether the card is valid',
  'valid-pin': 'whether the PIN is right',
  'patron-identifier': 'the card number it sent',
  greeting: 'first name, for the greeting',
  category: 'patron category',
  'age-band': 'age band (child, teen, adult)',
  'account-standing': 'blocks and account messages',
  counts: 'counts of loans, holds and fees',
  fees: 'fees owed',
  'current-loans': 'items out now',
  holds: 'holds',
};

const inWords = (codes: readonly string[], words: Record<string, string>) => codes.map((c) => words[c] ?? c).join(', ');
const mayDo = (a: Sip2AccountView) => inWords(a.messages.filter((m) => !SESSION.includes(m)), MESSAGE_WORDS) || 'nothing but log in';
const receives = (a: Sip2AccountView) => (a.patronFields.length === 0 ? 'Nothing about patrons' : inWords(a.patronFields, FIELD_WORDS));

/** Addresses typed one a line (or separated by commas or spaces). */
const addressesOf = (text: string) => text.split(/[\s,]+/).filter((a) => a !== '');

interface Shown {
  name: string;
  loginId: string;
  password: string;
  why: 'added' | 'reset';
}

export function Sip2AccountsPage() {
  const library = useLibrary();
  const base = `/libraries/${encodeURIComponent(library.id)}`;
  const list = useLoad(() => api<Sip2AccountList>('GET', `${base}/sip2-accounts`), [base]);
  const branches = useLoad(() => api<BranchRow[]>('GET', `${base}/branches`), [base]);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [shown, setShown] = useState<Shown | undefined>(undefined);
  const [managing, setManaging] = useState<string | undefined>(undefined);
  const chosen = list.data?.accounts.find((a) => a.id === managing);
  const branchName = (id: string) => branches.data?.find((b) => b.id === id)?.name ?? id;

  const changed = (text: string, password?: Shown) => {
    setNotice(text);
    setShown(password);
    list.reload();
  };

  return (
    <Page title="SIP2 accounts">
      <p>
        The machines and services that speak SIP2 to <strong>{library.name}</strong>, each with its own account. A self-check kiosk shows patrons their own loans, holds and fees after
        their PIN and keeps none of it (CB-G2); a returns sorter handles items only and learns nothing about patrons; an authentication client such as EZproxy or an e-content vendor
        learns only that the patron is valid (RF-6). Every change here is entered in the access log with your name.
      </p>
      <Notice>{notice}</Notice>
      {shown && <PasswordOnce shown={shown} onDone={() => setShown(undefined)} />}
      <ErrorMessage error={list.error} />
      {list.loading && !list.data && <p className="loading">Loading…</p>}
      {list.data && (
        <Table caption={plural(list.data.accounts.length, 'account')} columns={['Name', 'Kind', 'Branch', 'Connects from', 'May send', 'Receives about a patron', 'State', 'Manage']}>
          {list.data.accounts.map((a) => (
            <tr key={a.id}>
              <th scope="row">
                {a.name}
                <div className="hint">Login id {a.loginId}</div>
              </th>
              <td>{KIND_WORDS[a.kind] ?? a.kind}</td>
              <td>{branchName(a.branchId)}</td>
              <td>{a.allowedCidrs.join(', ')}</td>
              <td>{mayDo(a)}</td>
              <td>{receives(a)}</td>
              <td>
                {a.disabled ? <span className="badge warn">Disabled</span> : <span className="badge">Active</span>}
                <div className="hint">Since {day(a.createdAt)}</div>
              </td>
              <td>
                <button type="button" className="secondary" aria-pressed={managing === a.id} onClick={() => setManaging(managing === a.id ? undefined : a.id)}>
                  Manage {a.name}
                </button>
              </td>
            </tr>
          ))}
        </Table>
      )}
      {chosen && list.data && <ManageAccount key={chosen.id} base={base} account={chosen} bounds={list.data.kinds[chosen.kind]} onChanged={changed} />}
      <AddAccount
        base={base}
        branches={branches.data ?? []}
        kinds={list.data?.kinds}
        onAdded={(a, password) => changed(`The account ${a.name} was added.`, { name: a.name, loginId: a.loginId, password, why: 'added' })}
      />
    </Page>
  );
}

function PasswordOnce({ shown, onDone }: { shown: Shown; onDone: () => void }) {
  return (
    <section className="card" aria-labelledby="sip2-password-once" role="status">
      <h2 id="sip2-password-once">Password for {shown.name}</h2>
      <p>
        Login id <code>{shown.loginId}</code>, password{' '}
        <code className="password-once" data-testid="generated-password">
          {shown.password}
        </code>
      </p>
      <p>
        <strong>This password is shown once.</strong> Enter it in the machine’s SIP2 settings now{shown.why === 'reset' ? '; the old one no longer works' : ''}. Carrel keeps only its
        hash and cannot show it again: if it is lost, reset it.
      </p>
      <button type="button" onClick={onDone}>
        I have entered it; hide it
      </button>
    </section>
  );
}

function ManageAccount({ base, account, bounds, onChanged }: { base: string; account: Sip2AccountView; bounds: Sip2KindBounds; onChanged: (text: string, password?: Shown) => void }) {
  const [addresses, setAddresses] = useState(account.allowedCidrs.join('\n'));
  const [fields, setFields] = useState<string[]>(account.patronFields);
  const { run, busy, error } = useAction();
  const path = `${base}/sip2-accounts/${encodeURIComponent(account.id)}`;
  const save = async (event: FormEvent) => {
    event.preventDefault();
    const answer = await run(() =>
      api<Sip2AccountView>('PATCH', path, { allowedCidrs: addressesOf(addresses), ...(bounds.fields.length > 0 ? { patronFields: bounds.fields.filter((f) => fields.includes(f)) } : {}) }),
    );
    if (answer) onChanged(`The account ${answer.name} is saved.`);
  };
  const disable = async () => {
    const answer = await run(() => api<Sip2AccountView>('POST', `${path}/disable`));
    if (answer) onChanged(`The account ${answer.name} is disabled: it cannot log in, and its connections end at their next message.`);
  };
  const enable = async () => {
    const answer = await run(() => api<Sip2AccountView>('POST', `${path}/enable`));
    if (answer) onChanged(`The account ${answer.name} can log in again.`);
  };
  const reset = async () => {
    const answer = await run(() => api<{ account: Sip2AccountView; password: string }>('POST', `${path}/reset-password`));
    if (answer) onChanged(`The password of ${answer.account.name} was reset.`, { name: answer.account.name, loginId: answer.account.loginId, password: answer.password, why: 'reset' });
  };
  return (
    <section aria-labelledby="manage-sip2-account" className="office-form">
      <h2 id="manage-sip2-account">Manage {account.name}</h2>
      <form onSubmit={(e) => void save(e)}>
        <TextArea
          label={`Addresses ${account.name} may connect from`}
          hint="One address or CIDR block a line, such as 10.2.0.0/16 or 192.0.2.7."
          required
          value={addresses}
          onChange={(e) => setAddresses(e.target.value)}
          error={aboutField(error, 'allowedCidrs')}
        />
        {bounds.fields.length > 0 ? (
          <CheckboxGroup
            legend={`What ${account.name} receives about a patron`}
            hint={`Only what a ${KIND_NOUN[account.kind] ?? account.kind} may receive at this library (${bounds.clause}).`}
            options={bounds.fields.map((f) => ({ value: f, label: FIELD_WORDS[f] ?? f }))}
            value={fields}
            onChange={setFields}
            error={aboutField(error, 'patronFields')}
          />
        ) : (
          <p>
            A {KIND_NOUN[account.kind] ?? account.kind} receives nothing about patrons ({bounds.clause}).
          </p>
        )}
        <button type="submit" disabled={busy}>
          Save {account.name}
        </button>
      </form>
      <div className="actions">
        {account.disabled ? (
          <button type="button" disabled={busy} onClick={() => void enable()}>
            Enable {account.name}
          </button>
        ) : (
          <Confirm
            label={`Disable ${account.name}`}
            question={<p>Disable {account.name}? It cannot log in, and its open connections end at their next message, until the account is enabled again.</p>}
            confirmLabel={`Yes, disable ${account.name}`}
            onConfirm={disable}
            busy={busy}
            danger
          />
        )}
        <Confirm
          label={`Reset the password of ${account.name}`}
          question={<p>Reset the password of {account.name}? The old one stops working at once; the machine needs the new one shown next.</p>}
          confirmLabel="Yes, reset it"
          onConfirm={reset}
          busy={busy}
        />
      </div>
      <ErrorMessage error={error} />
    </section>
  );
}

function AddAccount({
  base,
  branches,
  kinds,
  onAdded,
}: {
  base: string;
  branches: BranchRow[];
  kinds: Sip2AccountList['kinds'] | undefined;
  onAdded: (account: Sip2AccountView, password: string) => void;
}) {
  const [form, setForm] = useState({ name: '', kind: 'self-check', branch: '', addresses: '', loginId: '' });
  const { run, busy, error } = useAction();
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value }));
  const branch = form.branch || branches[0]?.code || '';
  const defaults = kinds?.[form.kind as keyof Sip2AccountList['kinds']]?.defaultFields ?? [];
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const addresses = addressesOf(form.addresses);
    const answer = await run(() =>
      api<{ account: Sip2AccountView; password: string }>('POST', `${base}/sip2-accounts`, {
        name: form.name.trim(),
        kind: form.kind,
        branch,
        ...(addresses.length > 0 ? { allowedCidrs: addresses } : {}),
        ...(form.loginId.trim() !== '' ? { loginId: form.loginId.trim() } : {}),
      }),
    );
    if (answer) {
      setForm((f) => ({ ...f, name: '', addresses: '', loginId: '' }));
      onAdded(answer.account, answer.password);
    }
  };
  return (
    <section aria-labelledby="add-sip2-account">
      <h2 id="add-sip2-account">Add an account</h2>
      <p>Carrel generates the password and shows it once. A new account may send what its kind may and receives the least its kind needs; narrow it afterwards under Manage.</p>
      <form className="narrow" onSubmit={(e) => void submit(e)}>
        <Field label="Name" hint="A name staff and patrons recognise, such as Central kiosk 1 or EZproxy." autoComplete="off" required value={form.name} onChange={set('name')} error={aboutField(error, 'name')} />
        <Select
          label="Kind"
          value={form.kind}
          onChange={set('kind')}
          options={SIP2_ACCOUNT_KINDS.map((k) => ({ value: k, label: KIND_WORDS[k] ?? k }))}
          hint={defaults.length === 0 ? 'Receives nothing about patrons.' : `Receives: ${inWords(defaults, FIELD_WORDS)}.`}
          error={aboutField(error, 'kind')}
        />
        <Select label="Branch" hint="Where the machine stands; check-ins are received there." value={branch} onChange={set('branch')} options={branches.map((b) => ({ value: b.code, label: b.name }))} error={aboutField(error, 'branch')} />
        <TextArea
          label="Addresses it may connect from"
          hint="One address or CIDR block a line. Left empty: this server only (loopback) until you say where the machine is."
          value={form.addresses}
          onChange={set('addresses')}
          error={aboutField(error, 'allowedCidrs')}
        />
        <Field label="Login id (optional)" hint="Made from the name when left empty." autoComplete="off" value={form.loginId} onChange={set('loginId')} error={aboutField(error, 'loginId')} />
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy || branch === ''}>
          Add account
        </button>
      </form>
    </section>
  );
}
