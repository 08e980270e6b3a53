import { useState, type FormEvent } from 'react';
import type { BranchRow } from '../../../src/http/schemas/library-config';
import type { Sip2AccountList, Sip2AccountView, Sip2KindBounds } from '../../../src/http/schemas/sip2';
import { SIP2_ACCOUNT_KINDS } from '../../../src/domain/sip2';
import { api } from '../api';
import { t, tRich, useT, wordFor, type MessageId } from '../i18n';
import { ErrorMessage, Field, Notice, Page, Select, Table, TextArea, aboutField, day, useAction, useLoad } from '../ui/components';
import { CheckboxGroup, Confirm, useLibrary } from './common';

/**
 * The library's SIP2 accounts (library.administer, issue 16): one per self-check kiosk, sorter or
 * authentication client. What each may send and which patron fields it receives, in words; add one (its
 * generated password shown once), change its addresses and patron fields within what its kind allows at
 * this library (the list's answer says, `kinds`), disable or re-enable it, reset its password.
 */

const KIND_WORDS: Record<string, MessageId> = {
  'self-check': 'setup.sip2.kind.selfCheck',
  sorter: 'setup.sip2.kind.sorter',
  authentication: 'setup.sip2.kind.authentication',
};

/** A kind as a message's select chooses it (an ICU selector has no hyphen: self-check → selfcheck). */
const kindSelector = (kind: string) => kind.replace(/-/g, '');

/** What each SIP2 request does, in a word or two. */
const MESSAGE_WORDS: Record<string, MessageId> = {
  '23': 'setup.sip2.message.patronStatus',
  '11': 'setup.sip2.message.checkOut',
  '09': 'setup.sip2.message.checkIn',
  '01': 'setup.sip2.message.blockCard',
  '99': 'setup.sip2.message.status',
  '97': 'setup.sip2.message.resend',
  '93': 'setup.sip2.message.logIn',
  '63': 'setup.sip2.message.patronInformation',
  '35': 'setup.sip2.message.endSession',
  '37': 'setup.sip2.message.payFee',
  '17': 'setup.sip2.message.itemInformation',
  '19': 'setup.sip2.message.itemStatusUpdate',
  '25': 'setup.sip2.message.patronEnable',
  '15': 'setup.sip2.message.holds',
  '29': 'setup.sip2.message.renew',
  '65': 'setup.sip2.message.renewAll',
};

/** The session messages every account may send: left out of "may send" as they say nothing about anyone. */
const SESSION = ['93', '99', '97'];

const FIELD_WORDS: Record<string, MessageId> = {
  'valid-patron': 'setup.sip2.field.validPatron',
  'valid-pin': 'setup.sip2.field.validPin',
  'patron-identifier': 'setup.sip2.field.patronIdentifier',
  greeting: 'setup.sip2.field.greeting',
  category: 'setup.sip2.field.category',
  'age-band': 'setup.sip2.field.ageBand',
  'account-standing': 'setup.sip2.field.accountStanding',
  counts: 'setup.sip2.field.counts',
  fees: 'setup.sip2.field.fees',
  'current-loans': 'setup.sip2.field.currentLoans',
  holds: 'setup.sip2.field.holds',
};

/** A code in words from its table (an unknown code as it is). */
const inWord = (code: string, words: Record<string, MessageId>) => {
  return wordFor(words, code);
};
const inWords = (codes: readonly string[], words: Record<string, MessageId>) => codes.map((c) => inWord(c, words)).join(', ');
const mayDo = (a: Sip2AccountView) => inWords(a.messages.filter((m) => !SESSION.includes(m)), MESSAGE_WORDS) || t('setup.sip2.mayDo.nothing');
const receives = (a: Sip2AccountView) => (a.patronFields.length === 0 ? t('setup.sip2.receives.nothing') : inWords(a.patronFields, FIELD_WORDS));

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
  const t = useT();
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
    <Page title={t('setup.sip2.title')}>
      <p>{tRich('setup.sip2.intro', { library: library.name, b: (chunks) => <strong>{chunks}</strong> })}</p>
      <Notice>{notice}</Notice>
      {shown && <PasswordOnce shown={shown} onDone={() => setShown(undefined)} />}
      <ErrorMessage error={list.error} />
      {list.loading && !list.data && <p className="loading">{t('common.loading')}</p>}
      {list.data && (
        <Table
          caption={t('setup.sip2.accounts', { count: list.data.accounts.length })}
          columns={[
            t('setup.sip2.col.name'),
            t('setup.sip2.col.kind'),
            t('setup.sip2.col.branch'),
            t('setup.sip2.col.connectsFrom'),
            t('setup.sip2.col.maySend'),
            t('setup.sip2.col.receives'),
            t('setup.sip2.col.state'),
            t('setup.sip2.col.manage'),
          ]}
        >
          {list.data.accounts.map((a) => (
            <tr key={a.id}>
              <th scope="row">
                {a.name}
                <div className="hint">{t('setup.sip2.loginId', { loginId: a.loginId })}</div>
              </th>
              <td>{inWord(a.kind, KIND_WORDS)}</td>
              <td>{branchName(a.branchId)}</td>
              <td>{a.allowedCidrs.join(', ')}</td>
              <td>{mayDo(a)}</td>
              <td>{receives(a)}</td>
              <td>
                {a.disabled ? <span className="badge warn">{t('setup.sip2.disabled')}</span> : <span className="badge">{t('setup.sip2.active')}</span>}
                <div className="hint">{t('setup.sip2.since', { date: day(a.createdAt) })}</div>
              </td>
              <td>
                <button type="button" className="secondary" aria-pressed={managing === a.id} onClick={() => setManaging(managing === a.id ? undefined : a.id)}>
                  {t('setup.sip2.manage', { name: a.name })}
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
        onAdded={(a, password) => changed(t('setup.sip2.added', { name: a.name }), { name: a.name, loginId: a.loginId, password, why: 'added' })}
      />
    </Page>
  );
}

function PasswordOnce({ shown, onDone }: { shown: Shown; onDone: () => void }) {
  const t = useT();
  return (
    <section className="card" aria-labelledby="sip2-password-once" role="status">
      <h2 id="sip2-password-once">{t('setup.sip2.password.title', { name: shown.name })}</h2>
      <p>
        {tRich('setup.sip2.password.credentials', {
          loginId: shown.loginId,
          password: shown.password,
          id: (chunks) => <code>{chunks}</code>,
          secret: (chunks) => (
            <code className="password-once" data-testid="generated-password">
              {chunks}
            </code>
          ),
        })}
      </p>
      <p>{tRich('setup.sip2.password.once', { why: shown.why, b: (chunks) => <strong>{chunks}</strong> })}</p>
      <button type="button" onClick={onDone}>
        {t('setup.sip2.password.hide')}
      </button>
    </section>
  );
}

function ManageAccount({ base, account, bounds, onChanged }: { base: string; account: Sip2AccountView; bounds: Sip2KindBounds; onChanged: (text: string, password?: Shown) => void }) {
  const t = useT();
  const [addresses, setAddresses] = useState(account.allowedCidrs.join('\n'));
  const [fields, setFields] = useState<string[]>(account.patronFields);
  const { run, busy, error } = useAction();
  const path = `${base}/sip2-accounts/${encodeURIComponent(account.id)}`;
  const save = async (event: FormEvent) => {
    event.preventDefault();
    const answer = await run(() =>
      api<Sip2AccountView>('PATCH', path, { allowedCidrs: addressesOf(addresses), ...(bounds.fields.length > 0 ? { patronFields: bounds.fields.filter((f) => fields.includes(f)) } : {}) }),
    );
    if (answer) onChanged(t('setup.sip2.saved', { name: answer.name }));
  };
  const disable = async () => {
    const answer = await run(() => api<Sip2AccountView>('POST', `${path}/disable`));
    if (answer) onChanged(t('setup.sip2.disabledNotice', { name: answer.name }));
  };
  const enable = async () => {
    const answer = await run(() => api<Sip2AccountView>('POST', `${path}/enable`));
    if (answer) onChanged(t('setup.sip2.enabledNotice', { name: answer.name }));
  };
  const reset = async () => {
    const answer = await run(() => api<{ account: Sip2AccountView; password: string }>('POST', `${path}/reset-password`));
    if (answer) onChanged(t('setup.sip2.resetNotice', { name: answer.account.name }), { name: answer.account.name, loginId: answer.account.loginId, password: answer.password, why: 'reset' });
  };
  return (
    <section aria-labelledby="manage-sip2-account" className="office-form">
      <h2 id="manage-sip2-account">{t('setup.sip2.manage', { name: account.name })}</h2>
      <form onSubmit={(e) => void save(e)}>
        <TextArea
          label={t('setup.sip2.manage.addresses', { name: account.name })}
          hint={t('setup.sip2.manage.addresses.hint')}
          required
          value={addresses}
          onChange={(e) => setAddresses(e.target.value)}
          error={aboutField(error, 'allowedCidrs')}
        />
        {bounds.fields.length > 0 ? (
          <CheckboxGroup
            legend={t('setup.sip2.manage.fields', { name: account.name })}
            hint={t('setup.sip2.manage.fields.hint', { kind: kindSelector(account.kind), code: account.kind, clause: bounds.clause })}
            options={bounds.fields.map((f) => ({ value: f, label: inWord(f, FIELD_WORDS) }))}
            value={fields}
            onChange={setFields}
            error={aboutField(error, 'patronFields')}
          />
        ) : (
          <p>{t('setup.sip2.manage.fields.none', { kind: kindSelector(account.kind), code: account.kind, clause: bounds.clause })}</p>
        )}
        <button type="submit" disabled={busy}>
          {t('setup.sip2.manage.save', { name: account.name })}
        </button>
      </form>
      <div className="actions">
        {account.disabled ? (
          <button type="button" disabled={busy} onClick={() => void enable()}>
            {t('setup.sip2.enable', { name: account.name })}
          </button>
        ) : (
          <Confirm
            label={t('setup.sip2.disable', { name: account.name })}
            question={<p>{t('setup.sip2.disable.question', { name: account.name })}</p>}
            confirmLabel={t('setup.sip2.disable.confirm', { name: account.name })}
            onConfirm={disable}
            busy={busy}
            danger
          />
        )}
        <Confirm
          label={t('setup.sip2.reset', { name: account.name })}
          question={<p>{t('setup.sip2.reset.question', { name: account.name })}</p>}
          confirmLabel={t('setup.sip2.reset.confirm')}
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
  const t = useT();
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
      <h2 id="add-sip2-account">{t('setup.sip2.add.title')}</h2>
      <p>{t('setup.sip2.add.intro')}</p>
      <form className="narrow" onSubmit={(e) => void submit(e)}>
        <Field label={t('setup.sip2.add.name')} hint={t('setup.sip2.add.name.hint')} autoComplete="off" required value={form.name} onChange={set('name')} error={aboutField(error, 'name')} />
        <Select
          label={t('setup.sip2.add.kind')}
          value={form.kind}
          onChange={set('kind')}
          options={SIP2_ACCOUNT_KINDS.map((k) => ({ value: k, label: inWord(k, KIND_WORDS) }))}
          hint={defaults.length === 0 ? t('setup.sip2.add.kind.receivesNothing') : t('setup.sip2.add.kind.receives', { fields: inWords(defaults, FIELD_WORDS) })}
          error={aboutField(error, 'kind')}
        />
        <Select label={t('setup.sip2.add.branch')} hint={t('setup.sip2.add.branch.hint')} value={branch} onChange={set('branch')} options={branches.map((b) => ({ value: b.code, label: b.name }))} error={aboutField(error, 'branch')} />
        <TextArea
          label={t('setup.sip2.add.addresses')}
          hint={t('setup.sip2.add.addresses.hint')}
          value={form.addresses}
          onChange={set('addresses')}
          error={aboutField(error, 'allowedCidrs')}
        />
        <Field label={t('setup.sip2.add.loginId')} hint={t('setup.sip2.add.loginId.hint')} autoComplete="off" value={form.loginId} onChange={set('loginId')} error={aboutField(error, 'loginId')} />
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy || branch === ''}>
          {t('setup.sip2.add.submit')}
        </button>
      </form>
    </section>
  );
}
