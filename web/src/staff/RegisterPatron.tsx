import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../api';
import { tRich, useT, type MessageId } from '../i18n';
import { useSession } from '../session';
import { aboutField, day, ErrorMessage, Field, Page, Select, useAction, useLoad } from '../ui/components';
import { useDesk } from './desk-context';
import { DeskNav, NotForRole } from './DeskNav';
import type { Account, Library, ProfileView, Registered } from './types';
import { ageOn } from './words';

/** What a guardian sees of a child's record, in plain words (profile `access.guardians`). */
const GUARDIAN_SEES: Record<string, MessageId> = {
  full: 'deskpages.register.guardianSees.full',
  'current-circulation': 'deskpages.register.guardianSees.currentCirculation',
  'overdue-and-fines': 'deskpages.register.guardianSees.overdueAndFines',
  none: 'deskpages.register.guardianSees.none',
};

/** GET /libraries/:id/categories: a patron category, by the library's name for it. */
interface Category {
  code: string;
  name: string;
}

const EMPTY = { name: '', birthDate: '', address: '', email: '', phone: '', guardianCard: '', cardNumber: '', homeBranch: '', category: '' };

/**
 * `/desk/register`: a new patron, with only the fields Carrel collects (name and date of birth; address,
 * email and phone only if the patron wants to give them: RR-1, CB-A4). A minor, by the library's
 * profile, is registered with the card of the adult who signs the application (RR-8, CB-B3, JC-IVc,
 * IF-7). The new card number and PIN are shown once.
 */
export function RegisterPatron() {
  const session = useSession();
  const t = useT();
  return (
    <Page title={t('deskpages.register.title')}>
      <DeskNav />
      {session.can('patron.register') ? <Registration /> : <NotForRole what={t('deskpages.register.notForRole')} />}
    </Page>
  );
}

function Registration() {
  const t = useT();
  const desk = useDesk();
  const navigate = useNavigate();
  const id = useId();
  const [libraryId, setLibraryId] = useState('');
  const [form, setForm] = useState(EMPTY);
  // The receipt names the patron by the name just typed: the answer carries no name, and the form is cleared.
  const [registered, setRegistered] = useState<(Registered & { name: string }) | undefined>(undefined);
  // The card number and PIN are on the screen until the patron has them: then hidden, as for a new card.
  const [secretsShown, setSecretsShown] = useState(false);
  const { run, busy, error } = useAction();
  const opening = useAction();
  const receiptHeading = useRef<HTMLHeadingElement>(null);
  const nameInput = useRef<HTMLDivElement>(null);

  const libraries: Library[] = desk.libraries ?? [];
  const library = libraries.find((l) => l.id === libraryId) ?? desk.library ?? libraries[0];
  const profile = useLoad(() => (library ? api<ProfileView>('GET', `/profiles/${encodeURIComponent(library.profileId)}`) : Promise.resolve(undefined)), [library?.profileId]);
  const categories = useLoad(() => (library ? api<Category[]>('GET', `/libraries/${encodeURIComponent(library.id)}/categories`) : Promise.resolve(undefined)), [library?.id]);
  const categoryName = (code: string) => categories.data?.find((c) => c.code === code)?.name ?? code;
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
      setRegistered({ ...done, name: body.name });
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
  if (!library) return <p className="loading">{t('common.loading')}</p>;
  const sees = (what: string) => (GUARDIAN_SEES[what] ? t(GUARDIAN_SEES[what]) : what);

  if (registered)
    return (
      <section className="card receipt" aria-labelledby={`${id}-receipt`}>
        <h2 id={`${id}-receipt`} ref={receiptHeading} tabIndex={-1}>
          {t('deskpages.register.done')}
        </h2>
        {secretsShown ? (
          <p>{tRich('deskpages.register.giveSecrets', { b: (chunks) => <strong>{chunks}</strong> })}</p>
        ) : (
          <p>{t('deskpages.register.secretsHidden')}</p>
        )}
        <dl className="facts">
          {secretsShown && (
            <>
              <dt>{t('deskpages.register.cardNumber')}</dt>
              <dd className="secret">{registered.cardNumber}</dd>
              <dt>{t('deskpages.register.pin')}</dt>
              <dd className="secret">{registered.pin}</dd>
            </>
          )}
          <dt>{t('deskpages.register.name')}</dt>
          <dd>{registered.name}</dd>
          <dt>{t('deskpages.register.category')}</dt>
          <dd>{categoryName(registered.categoryCode)}</dd>
          <dt>{t('deskpages.register.homeBranch')}</dt>
          <dd>{registered.homeBranchId ? desk.branchName(registered.homeBranchId) : t('deskpages.register.noneGiven')}</dd>
          <dt>{t('deskpages.register.expires')}</dt>
          <dd>{day(registered.expiresAt)}</dd>
        </dl>
        <ErrorMessage error={opening.error} />
        {secretsShown && (
          <button type="button" className="secondary" onClick={hideSecrets}>
            {t('deskpages.register.hideSecrets')}
          </button>
        )}
        <div className="actions">
          <button type="button" disabled={opening.busy} onClick={() => void openAtDesk()}>
            {t('deskpages.register.openAtDesk')}
          </button>
          <button type="button" className="secondary" onClick={another}>
            {t('deskpages.register.another')}
          </button>
        </div>
      </section>
    );

  return (
    <form className="register" onSubmit={(e) => void submit(e)} noValidate aria-describedby={`${id}-about`}>
      <p id={`${id}-about`}>{t('deskpages.register.about')}</p>
      {libraries.length > 1 && (
        <Select label={t('deskpages.register.library')} name="library" value={library.id} onChange={(e) => setLibraryId(e.target.value)} options={libraries.map((l) => ({ value: l.id, label: l.name }))} />
      )}
      <div className="grid-2">
        <div ref={nameInput}>
          <Field label={t('deskpages.register.fullName')} name="name" required autoComplete="off" value={form.name} onChange={set('name')} error={aboutField(error, 'name')} />
        </div>
        <Field
          label={t('deskpages.register.birthDate')}
          name="birthDate"
          type="date"
          required
          value={form.birthDate}
          onChange={set('birthDate')}
          hint={t('deskpages.register.birthDate.hint', { majority })}
          error={aboutField(error, 'birthDate')}
        />
        <Field label={t('deskpages.register.address')} name="address" autoComplete="off" value={form.address} onChange={set('address')} error={aboutField(error, 'address')} />
        <Field label={t('deskpages.register.email')} name="email" type="email" autoComplete="off" value={form.email} onChange={set('email')} error={aboutField(error, 'email')} />
        <Field label={t('deskpages.register.phone')} name="phone" type="tel" autoComplete="off" value={form.phone} onChange={set('phone')} error={aboutField(error, 'phone')} />
      </div>
      <fieldset className="membership">
        <legend>{t('deskpages.register.membership')}</legend>
        <div className="grid-2">
          <Field
            label={t('deskpages.register.preprinted')}
            name="cardNumber"
            autoComplete="off"
            inputMode="numeric"
            spellCheck={false}
            value={form.cardNumber}
            onChange={set('cardNumber')}
            hint={t('deskpages.register.preprinted.hint')}
            error={aboutField(error, 'cardNumber')}
          />
          {library.branches.length > 0 && (
            <Select
              label={t('deskpages.register.homeBranchOptional')}
              name="homeBranch"
              value={form.homeBranch}
              onChange={set('homeBranch')}
              options={[{ value: '', label: t('deskpages.register.none') }, ...library.branches.map((b) => ({ value: b.code, label: b.name }))]}
              error={aboutField(error, 'homeBranch')}
            />
          )}
          {categories.data && categories.data.length > 0 ? (
            // The library's categories by name; left at "by age", Carrel picks adult, or juvenile for a minor.
            <Select
              label={t('deskpages.register.categoryOptional')}
              name="category"
              value={form.category}
              onChange={set('category')}
              options={[{ value: '', label: t('deskpages.register.categoryByAge') }, ...categories.data.map((c) => ({ value: c.code, label: c.name }))]}
              hint={t('deskpages.register.categoryChecked')}
              error={aboutField(error, 'category')}
            />
          ) : (
            <Field
              label={t('deskpages.register.categoryOptional')}
              name="category"
              autoComplete="off"
              spellCheck={false}
              value={form.category}
              onChange={set('category')}
              hint={t('deskpages.register.categoryCode.hint')}
              error={aboutField(error, 'category')}
            />
          )}
        </div>
      </fieldset>
      {minor && (
        <fieldset className="guardian">
          <legend>{t('deskpages.register.guardian')}</legend>
          <p>{t('deskpages.register.guardian.about', { majority })}</p>
          {guardians && (
            <p className="hint">
              {t('deskpages.register.guardian.sees', { withCard: sees(guardians.withChildCard), withoutCard: sees(guardians.withoutChildCard), clause: guardians.clause, majority })}
            </p>
          )}
          <Field
            label={t('deskpages.register.guardianCard')}
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
        {t('deskpages.register.submit')}
      </button>
    </form>
  );
}
