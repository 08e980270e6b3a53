import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../api';
import { useSession } from '../session';
import { aboutField, day, ErrorMessage, Field, Page, Select, useAction, useLoad } from '../ui/components';
import { useDesk } from './desk-context';
import { DeskNav, NotForRole } from './DeskNav';
import type { Account, Library, ProfileView, Registered } from './types';
import { ageOn } from './words';

/** What a guardian sees of a child's record, in plain words (profile `access.guardians`). */
const GUARDIAN_SEES: Record<string, string> = {
  full: 'everything on the child’s record',
  'current-circulation': 'what the child has out, on hold and owes',
  'overdue-and-fines': 'only overdue or lost items and what is owed',
  none: 'nothing',
};

const EMPTY = { name: '', birthDate: '', address: '', email: '', phone: '', guardianCard: '', cardNumber: '', homeBranch: '', category: '' };

/**
 * `/desk/register`: a new patron, with only the fields Carrel collects (name and date of birth; address,
 * email and phone only if the patron wants to give them: RR-1, CB-A4). A minor, by the library's
 * profile, is registered with the card of the adult who signs the application (RR-8, CB-B3, JC-IVc,
 * IF-7). The new card number and PIN are shown once.
 */
export function RegisterPatron() {
  const session = useSession();
  return (
    <Page title="Register a patron">
      <DeskNav />
      {session.can('patron.register') ? <Registration /> : <NotForRole what="Registering patrons" />}
    </Page>
  );
}

function Registration() {
  const desk = useDesk();
  const navigate = useNavigate();
  const id = useId();
  const [libraryId, setLibraryId] = useState('');
  const [form, setForm] = useState(EMPTY);
  const [registered, setRegistered] = useState<Registered | undefined>(undefined);
  // The card number and PIN are on the screen until the patron has them: then hidden, as for a new card.
  const [secretsShown, setSecretsShown] = useState(false);
  const { run, busy, error } = useAction();
  const opening = useAction();
  const receiptHeading = useRef<HTMLHeadingElement>(null);
  const nameInput = useRef<HTMLDivElement>(null);

  const libraries: Library[] = desk.libraries ?? [];
  const library = libraries.find((l) => l.id === libraryId) ?? desk.library ?? libraries[0];
  const profile = useLoad(() => (library ? api<ProfileView>('GET', `/profiles/${encodeURIComponent(library.profileId)}`) : Promise.resolve(undefined)), [library?.profileId]);
  const guardians = profile.data?.access.guardians;
  const majority = guardians?.ageOfMajority ?? 18;
  const age = ageOn(form.birthDate);
  // The guardian's card is asked for when the birth date makes a minor, or when Carrel said one is needed.
  const minor = (age !== undefined && age < majority) || aboutField(error, 'guardian') !== undefined;

  useEffect(() => {
    if (registered) receiptHeading.current?.focus();
  }, [registered]);

  const set = (key: keyof typeof EMPTY) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!library) return;
    // Blank optional fields are not sent at all: nothing is stored that the patron did not give.
    const given = (key: 'address' | 'email' | 'phone') => (form[key].trim() === '' ? {} : { [key]: form[key].trim() });
    const body = {
      libraryId: library.id,
      name: form.name.trim(),
      birthDate: form.birthDate,
      ...given('address'),
      ...given('email'),
      ...given('phone'),
      ...(minor && form.guardianCard.trim() ? { guardianCardNumber: form.guardianCard.trim() } : {}),
      // A pre-printed card handed over at the desk, the home branch and the category: sent only when chosen.
      ...(form.cardNumber.trim() ? { cardNumber: form.cardNumber.replace(/\s+/g, '') } : {}),
      ...(form.homeBranch ? { homeBranch: form.homeBranch } : {}),
      ...(form.category.trim() ? { category: form.category.trim().toLowerCase() } : {}),
    };
    const done = await run(() => api<Registered>('POST', '/patrons', body));
    if (done) {
      setRegistered(done);
      setSecretsShown(true);
      // The personal details leave the form once they are registered.
      setForm(EMPTY);
    }
  };

  const openAtDesk = async () => {
    if (!registered) return;
    const account = await opening.run(() => api<Account>('POST', '/patrons/lookup', { cardNumber: registered.cardNumber }));
    if (account) {
      desk.open(account, { kind: 'card' });
      navigate('/desk');
    }
  };

  const hideSecrets = () => {
    setSecretsShown(false);
    // The PIN leaves memory too; the card number stays only to open the patron at the desk.
    setRegistered((r) => (r ? { ...r, pin: '' } : r));
    receiptHeading.current?.focus();
  };

  const another = () => {
    setRegistered(undefined);
    setSecretsShown(false);
    opening.clear();
    setTimeout(() => nameInput.current?.querySelector('input')?.focus(), 0);
  };

  if (desk.librariesError) return <ErrorMessage error={desk.librariesError} />;
  if (!library) return <p className="loading">Loading…</p>;

  if (registered)
    return (
      <section className="card receipt" aria-labelledby={`${id}-receipt`}>
        <h2 id={`${id}-receipt`} ref={receiptHeading} tabIndex={-1}>
          Patron registered
        </h2>
        {secretsShown ? (
          <p>
            Give the patron their card number and PIN now. <strong>Carrel shows the PIN only this once</strong>; the patron can change it when they log in.
          </p>
        ) : (
          <p>The card number and PIN are hidden. The patron can change the PIN when they log in.</p>
        )}
        <dl className="facts">
          {secretsShown && (
            <>
              <dt>Card number</dt>
              <dd className="secret">{registered.cardNumber}</dd>
              <dt>PIN</dt>
              <dd className="secret">{registered.pin}</dd>
            </>
          )}
          <dt>Patron record number</dt>
          <dd className="record-id">{registered.id}</dd>
          <dt>Category</dt>
          <dd>{registered.categoryCode}</dd>
          <dt>Home branch</dt>
          <dd>{registered.homeBranchId ? desk.branchName(registered.homeBranchId) : 'None given'}</dd>
          <dt>Card expires</dt>
          <dd>{day(registered.expiresAt)}</dd>
        </dl>
        <ErrorMessage error={opening.error} />
        {secretsShown && (
          <button type="button" className="secondary" onClick={hideSecrets}>
            Done: hide the card number and PIN
          </button>
        )}
        <div className="actions">
          <button type="button" disabled={opening.busy} onClick={() => void openAtDesk()}>
            Open this patron at the desk
          </button>
          <button type="button" className="secondary" onClick={another}>
            Register another patron
          </button>
        </div>
      </section>
    );

  return (
    <form className="register" onSubmit={(e) => void submit(e)} noValidate aria-describedby={`${id}-about`}>
      <p id={`${id}-about`}>
        Carrel asks only for what the library needs to lend and get items back: a name and a date of birth. Address, email and phone are optional; leave
        them blank unless the patron wants to give them.
      </p>
      {libraries.length > 1 && (
        <Select label="Library" name="library" value={library.id} onChange={(e) => setLibraryId(e.target.value)} options={libraries.map((l) => ({ value: l.id, label: l.name }))} />
      )}
      <div className="grid-2">
        <div ref={nameInput}>
          <Field label="Full name (required)" name="name" required autoComplete="off" value={form.name} onChange={set('name')} error={aboutField(error, 'name')} />
        </div>
        <Field
          label="Date of birth (required)"
          name="birthDate"
          type="date"
          required
          value={form.birthDate}
          onChange={set('birthDate')}
          hint={`Under ${majority}: a guardian signs the application.`}
          error={aboutField(error, 'birthDate')}
        />
        <Field label="Address (optional)" name="address" autoComplete="off" value={form.address} onChange={set('address')} error={aboutField(error, 'address')} />
        <Field label="Email (optional)" name="email" type="email" autoComplete="off" value={form.email} onChange={set('email')} error={aboutField(error, 'email')} />
        <Field label="Phone (optional)" name="phone" type="tel" autoComplete="off" value={form.phone} onChange={set('phone')} error={aboutField(error, 'phone')} />
      </div>
      <fieldset className="membership">
        <legend>Card and membership</legend>
        <div className="grid-2">
          <Field
            label="Pre-printed card number (optional)"
            name="cardNumber"
            autoComplete="off"
            inputMode="numeric"
            spellCheck={false}
            value={form.cardNumber}
            onChange={set('cardNumber')}
            hint="Scan the card you are handing over; leave blank for Carrel to issue a number."
            error={aboutField(error, 'cardNumber')}
          />
          {library.branches.length > 0 && (
            <Select
              label="Home branch (optional)"
              name="homeBranch"
              value={form.homeBranch}
              onChange={set('homeBranch')}
              options={[{ value: '', label: 'None' }, ...library.branches.map((b) => ({ value: b.code, label: b.name }))]}
              error={aboutField(error, 'homeBranch')}
            />
          )}
          <Field
            label="Patron category (optional)"
            name="category"
            autoComplete="off"
            spellCheck={false}
            value={form.category}
            onChange={set('category')}
            hint="A category code of the library; blank: adult, or juvenile for a minor. Checked against the patron’s age."
            error={aboutField(error, 'category')}
          />
        </div>
      </fieldset>
      {minor && (
        <fieldset className="guardian">
          <legend>Guardian</legend>
          <p>
            A patron under {majority} is registered with the library card of the adult who signs the application, who must already be a patron of this
            library.
          </p>
          {guardians && (
            <p className="hint">
              Under this library’s policy, the guardian sees {GUARDIAN_SEES[guardians.withChildCard] ?? guardians.withChildCard} when they present the child’s
              card, and {GUARDIAN_SEES[guardians.withoutChildCard] ?? guardians.withoutChildCard} without it ({guardians.clause}). The link ends when the child
              turns {majority}.
            </p>
          )}
          <Field
            label="Guardian’s library card number (required)"
            name="guardianCard"
            required
            autoComplete="off"
            inputMode="numeric"
            spellCheck={false}
            value={form.guardianCard}
            onChange={set('guardianCard')}
            error={aboutField(error, 'guardian', 'guardianCardNumber')}
          />
        </fieldset>
      )}
      <ErrorMessage error={error} />
      <ErrorMessage error={profile.error} />
      <button type="submit" disabled={busy}>
        Register patron
      </button>
    </form>
  );
}
