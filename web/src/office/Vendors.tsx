import { useState, type FormEvent, type ReactNode } from 'react';
import type { CategoryRow } from '../../../src/http/schemas/library-config';
import type { VendorList, VendorView } from '../../../src/http/schemas/vendors';
import { EXTRA_CLAIMS, EZPROXY_DIGESTS, type ExtraClaim } from '../../../src/domain/vendor-terms';
import { api, vendorsApi } from '../api';
import { t, tRich, useT, wordFor, type MessageId } from '../i18n';
import { ErrorMessage, Field, Notice, Page, Select, Table, TextArea, aboutField, day, useAction, useLoad } from '../ui/components';
import { CheckboxGroup, Confirm, useFocusTarget, useLibrary } from './common';

/**
 * Vendors and single sign-on (library.administer, issue 19): the e-content services, databases and
 * EZproxy instances the library's patrons sign in to with their card. Each is told only that the person
 * is a patron, under a pseudonym of its own (RF-6); a claim its contract names goes only where the
 * library's profile allows it and the patron agreed (CB-D, IF-9), and the list marks the ones the
 * profile withholds from everyone. Register one (its secret shown once, with what the vendor needs to
 * set up), disable or re-enable it, reset its secret.
 */

/** A claim in words. */
const CLAIM_WORDS: Record<ExtraClaim, MessageId> = {
  category: 'setup.vendors.claim.category',
  age_band: 'setup.vendors.claim.ageBand',
  name: 'setup.vendors.claim.name',
  email: 'setup.vendors.claim.email',
};
const claimWord = (claim: string) => {
  return wordFor(CLAIM_WORDS, claim);
};
/** The claims a contract may name, each saying whether the library's policy lets it go (with consent) or withholds it. */
const claimOptions = (rules: VendorList) =>
  EXTRA_CLAIMS.map((c) => ({
    value: c,
    label: rules.allowedClaims.includes(c) ? t('setup.vendors.claim.withConsent', { claim: claimWord(c) }) : t('setup.vendors.claim.withheldByPolicy', { claim: claimWord(c), clause: rules.clause }),
  }));
const claimWords = (claims: readonly ExtraClaim[]) => claims.map(claimWord).join(', ');

const PROTOCOL_WORDS: Record<VendorView['protocol'], MessageId> = {
  oidc: 'setup.vendors.protocol.oidc',
  ezproxy: 'setup.vendors.protocol.ezproxy',
};
const protocolWord = (protocol: string) => {
  return wordFor(PROTOCOL_WORDS, protocol);
};

/** Addresses typed one a line (or separated by commas or spaces). */
const addressesOf = (text: string) => text.split(/[\s,]+/).filter((a) => a !== '');

/** What the OpenID provider publishes, on this server. */
const issuer = () => `${location.origin}/oidc`;

/** Carrel's sign-in page EZproxy sends a patron to (`^U`: EZproxy puts the address they asked for there). */
const ezproxySignIn = (vendorId: string) => `${location.origin}/ezproxy/${vendorId}/login?url=^U`;

/**
 * The lines an EZproxy administrator pastes into user.txt (the secret, or a placeholder for it): the CGI
 * line sending patrons to Carrel's sign-in, and the ticket block accepting what Carrel signs. The same
 * lines as `carrel ezproxy add` prints.
 */
function userTxt(vendor: Extract<VendorView, { protocol: 'ezproxy' }>, secret: string): string {
  return [`::CGI=${ezproxySignIn(vendor.id)}`, '::Ticket', 'TimeValid 2', `${vendor.digest} ${secret}`, 'Expired; Deny expired.html', '/Ticket'].join('\n');
}

interface Shown {
  vendor: VendorView;
  secret: string;
  why: 'added' | 'reset';
}

export function VendorsPage() {
  const library = useLibrary();
  const t = useT();
  const list = useLoad(() => vendorsApi.list(library.id), [library.id]);
  const categories = useLoad(() => api<CategoryRow[]>('GET', `/libraries/${encodeURIComponent(library.id)}/categories`), [library.id]);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [shown, setShown] = useState<Shown | undefined>(undefined);
  const [managing, setManaging] = useState<string | undefined>(undefined);
  const chosen = list.data?.vendors.find((v) => v.id === managing);
  const said = useFocusTarget<HTMLDivElement>();

  const changed = (text: string, secret?: Shown) => {
    setNotice(text);
    setShown(secret);
    list.reload();
    said.focus();
  };

  return (
    <Page title={t('setup.vendors.title')}>
      <p>{tRich('setup.vendors.intro', { library: library.name, b: (chunks) => <strong>{chunks}</strong> })}</p>
      {list.data && <PolicyRule rules={list.data} />}
      <div ref={said.ref} tabIndex={-1}>
        <Notice>{notice}</Notice>
        {shown && <SecretOnce shown={shown} onDone={() => setShown(undefined)} />}
      </div>
      <ErrorMessage error={list.error} />
      {list.loading && !list.data && <p className="loading">{t('common.loading')}</p>}
      {list.data && list.data.vendors.length === 0 && <p>{t('setup.vendors.none')}</p>}
      {list.data && list.data.vendors.length > 0 && (
        <Table
          caption={t('setup.vendors.count', { count: list.data.vendors.length })}
          columns={[t('setup.vendors.col.name'), t('setup.vendors.col.protocol'), t('setup.vendors.col.addresses'), t('setup.vendors.col.claims'), t('setup.vendors.col.state'), t('setup.vendors.col.manage')]}
        >
          {list.data.vendors.map((v) => (
            <tr key={v.id}>
              <th scope="row">
                {v.name}
                <div className="hint">{t('setup.vendors.addedOn', { date: day(v.createdAt) })}</div>
              </th>
              <td>{protocolWord(v.protocol)}</td>
              <td>
                {v.protocol === 'oidc' ? (
                  <ul className="vendor-list">
                    {v.redirectUris.map((u) => (
                      <li key={u}>
                        <code>{u}</code>
                      </li>
                    ))}
                  </ul>
                ) : (
                  <>
                    <code>{v.loginUrl}</code>
                    <div className="hint">{Object.keys(v.groups).length === 0
                        ? t('setup.vendors.groups.none')
                        : t('setup.vendors.groups', {
                            groups: Object.entries(v.groups)
                              .map(([c, g]) => `${c} → ${g}`)
                              .join(', '),
                          })}</div>
                  </>
                )}
              </td>
              <td>
                <ContractClaims vendor={v} />
              </td>
              <td>{v.disabled ? <span className="badge warn">{t('setup.vendors.disabled')}</span> : <span className="badge">{t('setup.vendors.active')}</span>}</td>
              <td>
                <button type="button" className="secondary" aria-pressed={managing === v.id} onClick={() => setManaging(managing === v.id ? undefined : v.id)}>
                  {t('setup.vendors.manage', { name: v.name })}
                </button>
              </td>
            </tr>
          ))}
        </Table>
      )}
      {chosen && list.data && <ManageVendor key={chosen.id} libraryId={library.id} vendor={chosen} rules={list.data} onChanged={changed} />}
      {list.data && (
        <AddVendor
          libraryId={library.id}
          rules={list.data}
          categories={categories.data ?? []}
          onAdded={(vendor, secret) => changed(t('setup.vendors.added', { name: vendor.name }), { vendor, secret, why: 'added' })}
        />
      )}
    </Page>
  );
}

/** What the library's profile lets a contract add, with its clause. */
function PolicyRule({ rules }: { rules: VendorList }) {
  useT();
  const b = (chunks: ReactNode[]) => <strong>{chunks}</strong>;
  return (
    <p>
      {rules.allowedClaims.length === 0
        ? tRich('setup.vendors.policy.nothing', { clause: rules.clause, b })
        : tRich('setup.vendors.policy.allowed', { claims: claimWords(rules.allowedClaims), clause: rules.clause, b })}
    </p>
  );
}

/** A vendor's contract claims, those the profile withholds marked, with the clause. */
function ContractClaims({ vendor }: { vendor: VendorView }) {
  const t = useT();
  if (vendor.protocol !== 'oidc') return <>{t('setup.vendors.claims.ezproxy')}</>;
  if (vendor.claims.length === 0) return <>{t('setup.vendors.claims.none')}</>;
  return (
    <ul className="vendor-list">
      {vendor.claims.map((c) => (
        <li key={c}>
          {claimWord(c)}{' '}
          {vendor.withheldClaims.includes(c) ? (
            <span className="badge warn" title={t('setup.vendors.claims.withheld.title')}>
              {t('setup.vendors.claims.withheld', { clause: vendor.clause })}
            </span>
          ) : (
            <span className="hint">{t('setup.vendors.claims.withConsent')}</span>
          )}
        </li>
      ))}
    </ul>
  );
}

/** The secret, shown once, and what the vendor's side needs to be set up with it. */
function SecretOnce({ shown, onDone }: { shown: Shown; onDone: () => void }) {
  const { vendor, secret } = shown;
  const t = useT();
  return (
    <section className="card" aria-labelledby="vendor-secret-once">
      <h2 id="vendor-secret-once">{t('setup.vendors.secret.title', { name: vendor.name })}</h2>
      <p>{tRich('setup.vendors.secret.once', { why: shown.why, b: (chunks) => <strong>{chunks}</strong> })}</p>
      {vendor.protocol === 'oidc' ? (
        <dl className="facts">
          <dt>{t('setup.vendors.clientId')}</dt>
          <dd>
            <code>{vendor.id}</code>
          </dd>
          <dt>{t('setup.vendors.clientSecret')}</dt>
          <dd>
            <code data-testid="vendor-secret">{secret}</code>
          </dd>
          <dt>{t('setup.vendors.issuer')}</dt>
          <dd>
            <code>{issuer()}</code>
          </dd>
          <dt>{t('setup.vendors.discovery')}</dt>
          <dd>
            <code>{issuer()}/.well-known/openid-configuration</code>
          </dd>
        </dl>
      ) : (
        <>
          <p>{tRich('setup.vendors.secret.ezproxy', { secret, code: (chunks) => <code data-testid="vendor-secret">{chunks}</code> })}</p>
          <p>{t('setup.vendors.secret.paste')}</p>
          <pre className="vendor-block" aria-label={t('setup.vendors.userTxt.label', { name: vendor.name })}>
            {userTxt(vendor, secret)}
          </pre>
          <p>{t('setup.vendors.ezproxy.how')}</p>
        </>
      )}
      <button type="button" onClick={onDone}>
        {t('setup.vendors.secret.hide')}
      </button>
    </section>
  );
}

/** What a vendor's people need to set it up (never the secret), and the buttons that change it. */
function ManageVendor({ libraryId, vendor, rules, onChanged }: { libraryId: string; vendor: VendorView; rules: VendorList; onChanged: (text: string, secret?: Shown) => void }) {
  const t = useT();
  const { run, busy, error } = useAction();
  const disable = async () => {
    const answer = await run(() => vendorsApi.disable(libraryId, vendor.id));
    if (answer) onChanged(t('setup.vendors.disabledNotice', { name: answer.vendor.name }));
  };
  const enable = async () => {
    const answer = await run(() => vendorsApi.enable(libraryId, vendor.id));
    if (answer) onChanged(t('setup.vendors.enabledNotice', { name: answer.vendor.name }));
  };
  const reset = async () => {
    const answer = await run(() => vendorsApi.resetSecret(libraryId, vendor.id));
    if (answer) onChanged(t('setup.vendors.resetNotice', { name: answer.vendor.name }), { vendor: answer.vendor, secret: answer.secret, why: 'reset' });
  };
  return (
    <section aria-labelledby="manage-vendor" className="office-form">
      <h2 id="manage-vendor">{t('setup.vendors.manage', { name: vendor.name })}</h2>
      <h3>{t('setup.vendors.manage.needs')}</h3>
      {vendor.protocol === 'oidc' ? (
        <dl className="facts">
          <dt>{t('setup.vendors.clientId')}</dt>
          <dd>
            <code>{vendor.id}</code>
          </dd>
          <dt>{t('setup.vendors.clientSecret')}</dt>
          <dd>{t('setup.vendors.manage.secret')}</dd>
          <dt>{t('setup.vendors.issuer')}</dt>
          <dd>
            <code>{issuer()}</code>
          </dd>
          <dt>{t('setup.vendors.discovery')}</dt>
          <dd>
            <code>{issuer()}/.well-known/openid-configuration</code>
          </dd>
          <dt>{t('setup.vendors.manage.flow')}</dt>
          <dd>{t('setup.vendors.manage.flow.words')}</dd>
        </dl>
      ) : (
        <>
          <p>{t('setup.vendors.manage.userTxt')}</p>
          <pre className="vendor-block" aria-label={t('setup.vendors.userTxt.label', { name: vendor.name })}>
            {userTxt(vendor, `<${t('setup.vendors.secretPlaceholder')}>`)}
          </pre>
          <p>{t('setup.vendors.ezproxy.how')}</p>
        </>
      )}
      <div className="actions">
        {vendor.disabled ? (
          <button type="button" disabled={busy} onClick={() => void enable()}>
            {t('setup.vendors.enable', { name: vendor.name })}
          </button>
        ) : (
          <Confirm
            label={t('setup.vendors.disable', { name: vendor.name })}
            question={<p>{t('setup.vendors.disable.question', { name: vendor.name })}</p>}
            confirmLabel={t('setup.vendors.disable.confirm', { name: vendor.name })}
            onConfirm={disable}
            busy={busy}
            danger
          />
        )}
        <Confirm
          label={t('setup.vendors.reset', { name: vendor.name })}
          question={<p>{t('setup.vendors.reset.question', { name: vendor.name })}</p>}
          confirmLabel={t('setup.vendors.reset.confirm')}
          onConfirm={reset}
          busy={busy}
        />
      </div>
      <ErrorMessage error={error} />
      <ChangeVendor libraryId={libraryId} vendor={vendor} rules={rules} onChanged={onChanged} />
    </section>
  );
}

/**
 * A vendor's name and settings after a change of contract: an OpenID vendor's redirect addresses and the
 * claims its contract names; an EZproxy instance's login address and digest (its groups: the API).
 */
function ChangeVendor({ libraryId, vendor, rules, onChanged }: { libraryId: string; vendor: VendorView; rules: VendorList; onChanged: (text: string) => void }) {
  const t = useT();
  const [name, setName] = useState(vendor.name);
  const [redirects, setRedirects] = useState(vendor.protocol === 'oidc' ? vendor.redirectUris.join('\n') : '');
  const [claims, setClaims] = useState<string[]>(vendor.protocol === 'oidc' ? [...vendor.claims] : []);
  const [loginUrl, setLoginUrl] = useState(vendor.protocol === 'ezproxy' ? vendor.loginUrl : '');
  const [digest, setDigest] = useState<string>(vendor.protocol === 'ezproxy' ? vendor.digest : 'SHA256');
  const { run, busy, error } = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body =
      vendor.protocol === 'oidc'
        ? { name: name.trim(), redirectUris: addressesOf(redirects), claims: EXTRA_CLAIMS.filter((c) => claims.includes(c)) }
        : { name: name.trim(), loginUrl: loginUrl.trim(), digest };
    const answer = await run(() => vendorsApi.update(libraryId, vendor.id, body));
    if (answer) onChanged(t('setup.vendors.changedNotice', { name: answer.vendor.name }));
  };
  return (
    <form className="narrow" aria-labelledby="change-vendor" onSubmit={(e) => void submit(e)}>
      <h3 id="change-vendor">{t('setup.vendors.change.title')}</h3>
      <Field label={t('setup.vendors.name')} autoComplete="off" required value={name} onChange={(e) => setName(e.target.value)} error={aboutField(error, 'name')} />
      {vendor.protocol === 'oidc' ? (
        <>
          <TextArea
            label={t('setup.vendors.redirects')}
            hint={t('setup.vendors.change.redirects.hint')}
            required value={redirects} onChange={(e) => setRedirects(e.target.value)} error={aboutField(error, 'redirectUris')} />
          <CheckboxGroup
            legend={t('setup.vendors.claimsLegend')}
            hint={t('setup.vendors.change.claims.hint')}
            options={claimOptions(rules)}
            value={claims}
            onChange={setClaims}
            error={aboutField(error, 'claims')}
          />
        </>
      ) : (
        <>
          <Field label={t('setup.vendors.loginUrl')} autoComplete="off" required value={loginUrl} onChange={(e) => setLoginUrl(e.target.value)} error={aboutField(error, 'loginUrl')} />
          <Select label={t('setup.vendors.digest')} value={digest} onChange={(e) => setDigest(e.target.value)} options={EZPROXY_DIGESTS.map((d) => ({ value: d, label: d }))} error={aboutField(error, 'digest')} />
        </>
      )}
      <ErrorMessage error={error} />
      <button type="submit" disabled={busy}>
        {t('setup.vendors.change.save', { name: vendor.name })}
      </button>
    </form>
  );
}

interface GroupRow {
  category: string;
  group: string;
}

function AddVendor({ libraryId, rules, categories, onAdded }: { libraryId: string; rules: VendorList; categories: CategoryRow[]; onAdded: (vendor: VendorView, secret: string) => void }) {
  const t = useT();
  const [protocol, setProtocol] = useState<VendorView['protocol']>('oidc');
  const [name, setName] = useState('');
  const [redirects, setRedirects] = useState('');
  const [claims, setClaims] = useState<string[]>([]);
  const [loginUrl, setLoginUrl] = useState('');
  const [digest, setDigest] = useState('SHA256');
  const [groups, setGroups] = useState<GroupRow[]>([]);
  const { run, busy, error } = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body =
      protocol === 'oidc'
        ? { protocol, name: name.trim(), redirectUris: addressesOf(redirects), claims: EXTRA_CLAIMS.filter((c) => claims.includes(c)) }
        : {
            protocol,
            name: name.trim(),
            loginUrl: loginUrl.trim(),
            digest,
            groups: Object.fromEntries(groups.filter((g) => g.category !== '' && g.group.trim() !== '').map((g) => [g.category, g.group.trim()])),
          };
    const answer = await run(() => vendorsApi.create(libraryId, body));
    if (answer) {
      setName('');
      setRedirects('');
      setClaims([]);
      setLoginUrl('');
      setGroups([]);
      onAdded(answer.vendor, answer.secret);
    }
  };
  const setGroup = (index: number, change: Partial<GroupRow>) => setGroups((rows) => rows.map((r, i) => (i === index ? { ...r, ...change } : r)));

  return (
    <section aria-labelledby="add-vendor">
      <h2 id="add-vendor">{t('setup.vendors.add.title')}</h2>
      <p>{t('setup.vendors.add.intro')}</p>
      <form className="narrow" onSubmit={(e) => void submit(e)}>
        <Select
          label={t('setup.vendors.add.protocol')}
          value={protocol}
          onChange={(e) => setProtocol(e.target.value as VendorView['protocol'])}
          options={[
            { value: 'oidc', label: t('setup.vendors.add.protocol.oidc') },
            { value: 'ezproxy', label: t('setup.vendors.add.protocol.ezproxy') },
          ]}
          error={aboutField(error, 'protocol')}
        />
        <Field label={t('setup.vendors.name')} hint={t('setup.vendors.add.name.hint')} autoComplete="off" required value={name} onChange={(e) => setName(e.target.value)} error={aboutField(error, 'name')} />
        {protocol === 'oidc' ? (
          <>
            <TextArea
              label={t('setup.vendors.redirects')}
              hint={t('setup.vendors.add.redirects.hint')}
              required
              value={redirects}
              onChange={(e) => setRedirects(e.target.value)}
              error={aboutField(error, 'redirectUris')}
            />
            <CheckboxGroup
              legend={t('setup.vendors.claimsLegend')}
              hint={t('setup.vendors.add.claims.hint')}
              options={claimOptions(rules)}
              value={claims}
              onChange={setClaims}
              error={aboutField(error, 'claims')}
            />
          </>
        ) : (
          <>
            <Field
              label={t('setup.vendors.loginUrl')}
              hint={t('setup.vendors.add.loginUrl.hint')}
              autoComplete="off"
              required
              value={loginUrl}
              onChange={(e) => setLoginUrl(e.target.value)}
              error={aboutField(error, 'loginUrl')}
            />
            <Select label={t('setup.vendors.digest')} hint={t('setup.vendors.add.digest.hint')} value={digest} onChange={(e) => setDigest(e.target.value)} options={EZPROXY_DIGESTS.map((d) => ({ value: d, label: d }))} error={aboutField(error, 'digest')} />
            <fieldset className="office-fieldset">
              <legend>{t('setup.vendors.add.groups')}</legend>
              <p className="hint">{t('setup.vendors.add.groups.hint')}</p>
              {groups.map((row, index) => (
                <div className="office-inline vendor-groups" key={index}>
                  <Select
                    label={t('setup.vendors.add.groups.category', { row: index + 1 })}
                    value={row.category}
                    onChange={(e) => setGroup(index, { category: e.target.value })}
                    options={[{ value: '', label: t('setup.vendors.add.groups.chooseCategory') }, ...categories.map((c) => ({ value: c.code, label: `${c.name} (${c.code})` }))]}
                  />
                  <Field label={t('setup.vendors.add.groups.group', { row: index + 1 })} autoComplete="off" value={row.group} onChange={(e) => setGroup(index, { group: e.target.value })} />
                  <button type="button" className="secondary" onClick={() => setGroups((rows) => rows.filter((_, i) => i !== index))}>
                    {t('setup.vendors.add.groups.remove', { row: index + 1 })}
                  </button>
                </div>
              ))}
              <button type="button" className="secondary" onClick={() => setGroups((rows) => [...rows, { category: '', group: '' }])}>
                {t('setup.vendors.add.groups.add')}
              </button>
              {aboutField(error, 'groups') && <p className="field-error">{aboutField(error, 'groups')}</p>}
            </fieldset>
          </>
        )}
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy}>
          {t('setup.vendors.add.submit')}
        </button>
      </form>
    </section>
  );
}
