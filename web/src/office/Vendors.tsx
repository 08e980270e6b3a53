import { useState, type FormEvent } from 'react';
import type { CategoryRow } from '../../../src/http/schemas/library-config';
import type { VendorList, VendorView } from '../../../src/http/schemas/vendors';
import { EXTRA_CLAIMS, EZPROXY_DIGESTS, type ExtraClaim } from '../../../src/domain/vendor-terms';
import { api, vendorsApi } from '../api';
import { ErrorMessage, Field, Notice, Page, Select, Table, TextArea, aboutField, day, useAction, useLoad } from '../ui/components';
import { CheckboxGroup, Confirm, plural, useFocusTarget, useLibrary } from './common';

/**
 * Vendors and single sign-on (library.administer, issue 19): the e-content services, databases and
 * EZproxy instances the library's patrons sign in to with their card. Each is told only that the person
 * is a patron, under a pseudonym of its own (RF-6); a claim its contract names goes only where the
 * library's profile allows it and the patron agreed (CB-D, IF-9), and the list marks the ones the
 * profile withholds from everyone. Register one (its secret shown once, with what the vendor needs to
 * set up), disable or re-enable it, reset its secret.
 */

/** A claim in words. */
const CLAIM_WORDS: Record<ExtraClaim, string> = {
  category: 'patron category',
  age_band: 'age band (child, teen, adult)',
  name: 'patron’s name',
  email: 'patron’s email address',
};
/** The claims a contract may name, each saying whether the library's policy lets it go (with consent) or withholds it. */
const claimOptions = (rules: VendorList) =>
  EXTRA_CLAIMS.map((c) => ({ value: c, label: `${CLAIM_WORDS[c]}${rules.allowedClaims.includes(c) ? ' (with the patron’s consent)' : ` (withheld by the library’s policy, ${rules.clause})`}` }));
const claimWords = (claims: readonly ExtraClaim[]) => claims.map((c) => CLAIM_WORDS[c] ?? c).join(', ');

const PROTOCOL_WORDS: Record<VendorView['protocol'], string> = {
  oidc: 'OpenID Connect',
  ezproxy: 'EZproxy ticket',
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
    <Page title="Vendors and sign-on">
      <p>
        The e-content services, databases and EZproxy instances patrons of <strong>{library.name}</strong> sign in to with their card and PIN. Each learns only that the person is a
        patron in good standing, under a pseudonym of its own that no other vendor shares, never the card number. Every change here is entered in the access log with your name.
      </p>
      {list.data && <PolicyRule rules={list.data} />}
      <div ref={said.ref} tabIndex={-1}>
        <Notice>{notice}</Notice>
        {shown && <SecretOnce shown={shown} onDone={() => setShown(undefined)} />}
      </div>
      <ErrorMessage error={list.error} />
      {list.loading && !list.data && <p className="loading">Loading…</p>}
      {list.data && list.data.vendors.length === 0 && <p>No vendors yet. Add one below.</p>}
      {list.data && list.data.vendors.length > 0 && (
        <Table caption={plural(list.data.vendors.length, 'vendor')} columns={['Name', 'Protocol', 'Addresses', 'Claims in the contract', 'State', 'Manage']}>
          {list.data.vendors.map((v) => (
            <tr key={v.id}>
              <th scope="row">
                {v.name}
                <div className="hint">Added {day(v.createdAt)}</div>
              </th>
              <td>{PROTOCOL_WORDS[v.protocol]}</td>
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
                    <div className="hint">{Object.keys(v.groups).length === 0 ? 'No groups' : `Groups: ${Object.entries(v.groups).map(([c, g]) => `${c} → ${g}`).join(', ')}`}</div>
                  </>
                )}
              </td>
              <td>
                <ContractClaims vendor={v} />
              </td>
              <td>{v.disabled ? <span className="badge warn">Disabled</span> : <span className="badge">Active</span>}</td>
              <td>
                <button type="button" className="secondary" aria-pressed={managing === v.id} onClick={() => setManaging(managing === v.id ? undefined : v.id)}>
                  Manage {v.name}
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
          onAdded={(vendor, secret) => changed(`The vendor ${vendor.name} was added.`, { vendor, secret, why: 'added' })}
        />
      )}
    </Page>
  );
}

/** What the library's profile lets a contract add, with its clause. */
function PolicyRule({ rules }: { rules: VendorList }) {
  return (
    <p>
      {rules.allowedClaims.length === 0 ? (
        <>
          This library’s policy sends vendors <strong>nothing but the fact of being a patron</strong>, whatever a contract names or a patron agrees to ({rules.clause}).
        </>
      ) : (
        <>
          This library’s policy lets a contract add, with each patron’s own consent asked on the sign-in page: <strong>{claimWords(rules.allowedClaims)}</strong> ({rules.clause}).
          Nothing else is ever sent.
        </>
      )}
    </p>
  );
}

/** A vendor's contract claims, those the profile withholds marked, with the clause. */
function ContractClaims({ vendor }: { vendor: VendorView }) {
  if (vendor.protocol !== 'oidc') return <>Only that the patron is valid, under a pseudonym</>;
  if (vendor.claims.length === 0) return <>None: only that the patron is valid</>;
  return (
    <ul className="vendor-list">
      {vendor.claims.map((c) => (
        <li key={c}>
          {CLAIM_WORDS[c]}{' '}
          {vendor.withheldClaims.includes(c) ? (
            <span className="badge warn" title="The library’s policy never sends it, whatever the contract or the patron says">
              Withheld ({vendor.clause})
            </span>
          ) : (
            <span className="hint">with the patron’s consent</span>
          )}
        </li>
      ))}
    </ul>
  );
}

/** The secret, shown once, and what the vendor's side needs to be set up with it. */
function SecretOnce({ shown, onDone }: { shown: Shown; onDone: () => void }) {
  const { vendor, secret } = shown;
  return (
    <section className="card" aria-labelledby="vendor-secret-once">
      <h2 id="vendor-secret-once">Secret for {vendor.name}</h2>
      <p>
        <strong>Copy this secret now: it is shown once.</strong> Carrel keeps it sealed and cannot show it again{shown.why === 'reset' ? '; the old one no longer works' : ''}. If it
        is lost, reset it.
      </p>
      {vendor.protocol === 'oidc' ? (
        <dl className="facts">
          <dt>Client id</dt>
          <dd>
            <code>{vendor.id}</code>
          </dd>
          <dt>Client secret</dt>
          <dd>
            <code data-testid="vendor-secret">{secret}</code>
          </dd>
          <dt>Issuer</dt>
          <dd>
            <code>{issuer()}</code>
          </dd>
          <dt>Discovery document</dt>
          <dd>
            <code>{issuer()}/.well-known/openid-configuration</code>
          </dd>
        </dl>
      ) : (
        <>
          <p>
            Secret <code data-testid="vendor-secret">{secret}</code>
          </p>
          <p>Paste this block into EZproxy’s user.txt:</p>
          <pre className="vendor-block" aria-label={`The user.txt block for ${vendor.name}`}>{userTxt(vendor, secret)}</pre>
          <p>Patrons keep starting at EZproxy; it sends those who must sign in to Carrel’s page, and takes them back with a ticket.</p>
        </>
      )}
      <button type="button" onClick={onDone}>
        I have copied it; hide it
      </button>
    </section>
  );
}

/** What a vendor's people need to set it up (never the secret), and the buttons that change it. */
function ManageVendor({ libraryId, vendor, rules, onChanged }: { libraryId: string; vendor: VendorView; rules: VendorList; onChanged: (text: string, secret?: Shown) => void }) {
  const { run, busy, error } = useAction();
  const disable = async () => {
    const answer = await run(() => vendorsApi.disable(libraryId, vendor.id));
    if (answer) onChanged(`The vendor ${answer.vendor.name} is disabled: it signs no one in, and the tokens it holds stop working at their next use.`);
  };
  const enable = async () => {
    const answer = await run(() => vendorsApi.enable(libraryId, vendor.id));
    if (answer) onChanged(`The vendor ${answer.vendor.name} signs patrons in again.`);
  };
  const reset = async () => {
    const answer = await run(() => vendorsApi.resetSecret(libraryId, vendor.id));
    if (answer) onChanged(`The secret of ${answer.vendor.name} was reset.`, { vendor: answer.vendor, secret: answer.secret, why: 'reset' });
  };
  return (
    <section aria-labelledby="manage-vendor" className="office-form">
      <h2 id="manage-vendor">Manage {vendor.name}</h2>
      <h3>What the vendor needs</h3>
      {vendor.protocol === 'oidc' ? (
        <dl className="facts">
          <dt>Client id</dt>
          <dd>
            <code>{vendor.id}</code>
          </dd>
          <dt>Client secret</dt>
          <dd>The one shown when the vendor was added or its secret last reset (reset it if it is lost).</dd>
          <dt>Issuer</dt>
          <dd>
            <code>{issuer()}</code>
          </dd>
          <dt>Discovery document</dt>
          <dd>
            <code>{issuer()}/.well-known/openid-configuration</code>
          </dd>
          <dt>Flow</dt>
          <dd>Authorization code with PKCE; the vendor receives its own pseudonym for the patron (sub) and the library.</dd>
        </dl>
      ) : (
        <>
          <p>The user.txt block, with the secret shown when the instance was added or its secret last reset:</p>
          <pre className="vendor-block" aria-label={`The user.txt block for ${vendor.name}`}>{userTxt(vendor, '<the secret>')}</pre>
          <p>Patrons keep starting at EZproxy; it sends those who must sign in to Carrel’s page, and takes them back with a ticket.</p>
        </>
      )}
      <div className="actions">
        {vendor.disabled ? (
          <button type="button" disabled={busy} onClick={() => void enable()}>
            Enable {vendor.name}
          </button>
        ) : (
          <Confirm
            label={`Disable ${vendor.name}`}
            question={<p>Disable {vendor.name}? It signs no one in, and the tokens it holds stop working at their next use, until it is enabled again.</p>}
            confirmLabel={`Yes, disable ${vendor.name}`}
            onConfirm={disable}
            busy={busy}
            danger
          />
        )}
        <Confirm
          label={`Reset the secret of ${vendor.name}`}
          question={<p>Reset the secret of {vendor.name}? The old one stops working at once; the vendor needs the new one shown next.</p>}
          confirmLabel="Yes, reset it"
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
    if (answer) onChanged(`The settings of ${answer.vendor.name} are changed.`);
  };
  return (
    <form className="narrow" aria-labelledby="change-vendor" onSubmit={(e) => void submit(e)}>
      <h3 id="change-vendor">Change its settings</h3>
      <Field label="Vendor name" autoComplete="off" required value={name} onChange={(e) => setName(e.target.value)} error={aboutField(error, 'name')} />
      {vendor.protocol === 'oidc' ? (
        <>
          <TextArea label="Redirect addresses" hint="One a line, exactly as the vendor gives them: https, all on one host." required value={redirects} onChange={(e) => setRedirects(e.target.value)} error={aboutField(error, 'redirectUris')} />
          <CheckboxGroup
            legend="Claims the contract adds"
            hint="A claim taken out is no longer released, even to a patron who agreed to it; a claim added is asked about at the patron’s next sign-in."
            options={claimOptions(rules)}
            value={claims}
            onChange={setClaims}
            error={aboutField(error, 'claims')}
          />
        </>
      ) : (
        <>
          <Field label="EZproxy login address" autoComplete="off" required value={loginUrl} onChange={(e) => setLoginUrl(e.target.value)} error={aboutField(error, 'loginUrl')} />
          <Select label="Digest" value={digest} onChange={(e) => setDigest(e.target.value)} options={EZPROXY_DIGESTS.map((d) => ({ value: d, label: d }))} error={aboutField(error, 'digest')} />
        </>
      )}
      <ErrorMessage error={error} />
      <button type="submit" disabled={busy}>
        Save the settings of {vendor.name}
      </button>
    </form>
  );
}

interface GroupRow {
  category: string;
  group: string;
}

function AddVendor({ libraryId, rules, categories, onAdded }: { libraryId: string; rules: VendorList; categories: CategoryRow[]; onAdded: (vendor: VendorView, secret: string) => void }) {
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
      <h2 id="add-vendor">Add a vendor</h2>
      <p>Carrel generates the vendor’s secret and shows it once, with what the vendor needs to set up sign-in.</p>
      <form className="narrow" onSubmit={(e) => void submit(e)}>
        <Select
          label="How it signs patrons in"
          value={protocol}
          onChange={(e) => setProtocol(e.target.value as VendorView['protocol'])}
          options={[
            { value: 'oidc', label: 'OpenID Connect (e-content services, databases)' },
            { value: 'ezproxy', label: 'EZproxy instance (ticket authentication)' },
          ]}
          error={aboutField(error, 'protocol')}
        />
        <Field label="Vendor name" hint="The name patrons see on the sign-in and consent pages." autoComplete="off" required value={name} onChange={(e) => setName(e.target.value)} error={aboutField(error, 'name')} />
        {protocol === 'oidc' ? (
          <>
            <TextArea
              label="Redirect addresses"
              hint="Where the vendor receives patrons back, one a line, exactly as the vendor gives them: https, all on one host."
              required
              value={redirects}
              onChange={(e) => setRedirects(e.target.value)}
              error={aboutField(error, 'redirectUris')}
            />
            <CheckboxGroup
              legend="Claims the contract adds"
              hint="Beyond its pseudonym for the patron and the library, which every vendor receives. Each claim goes only with the patron’s consent, and only where the library’s policy allows it."
              options={claimOptions(rules)}
              value={claims}
              onChange={setClaims}
              error={aboutField(error, 'claims')}
            />
          </>
        ) : (
          <>
            <Field
              label="EZproxy login address"
              hint="The instance’s login address, such as https://ezproxy.example.org/login."
              autoComplete="off"
              required
              value={loginUrl}
              onChange={(e) => setLoginUrl(e.target.value)}
              error={aboutField(error, 'loginUrl')}
            />
            <Select label="Digest" hint="The digest of the ::Ticket block; SHA256 unless the instance needs another." value={digest} onChange={(e) => setDigest(e.target.value)} options={EZPROXY_DIGESTS.map((d) => ({ value: d, label: d }))} error={aboutField(error, 'digest')} />
            <fieldset className="office-fieldset">
              <legend>EZproxy groups by patron category</legend>
              <p className="hint">Optional: the group a patron of each category is put in. A category without a row gets no group.</p>
              {groups.map((row, index) => (
                <div className="office-inline vendor-groups" key={index}>
                  <Select
                    label={`Category, row ${index + 1}`}
                    value={row.category}
                    onChange={(e) => setGroup(index, { category: e.target.value })}
                    options={[{ value: '', label: 'Choose a category' }, ...categories.map((c) => ({ value: c.code, label: `${c.name} (${c.code})` }))]}
                  />
                  <Field label={`Group, row ${index + 1}`} autoComplete="off" value={row.group} onChange={(e) => setGroup(index, { group: e.target.value })} />
                  <button type="button" className="secondary" onClick={() => setGroups((rows) => rows.filter((_, i) => i !== index))}>
                    Remove row {index + 1}
                  </button>
                </div>
              ))}
              <button type="button" className="secondary" onClick={() => setGroups((rows) => [...rows, { category: '', group: '' }])}>
                Add a category and group
              </button>
              {aboutField(error, 'groups') && <p className="field-error">{aboutField(error, 'groups')}</p>}
            </fieldset>
          </>
        )}
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy}>
          Add vendor
        </button>
      </form>
    </section>
  );
}
