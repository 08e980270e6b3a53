import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useT } from './i18n';
import { useSession } from './session';
import { Field, Page } from './ui/components';
import { staffHome } from './StaffLogin';

export function Home() {
  const session = useSession();
  const t = useT();
  const navigate = useNavigate();
  const [library, setLibrary] = useState('');
  const openPolicy = (event: FormEvent) => {
    event.preventDefault();
    if (library.trim()) navigate(`/policy/${encodeURIComponent(library.trim())}`);
  };
  return (
    <Page title={t('start.home.title')}>
      <div className="cards">
        <section className="card" aria-labelledby="home-patrons">
          <h2 id="home-patrons">{t('start.home.patrons')}</h2>
          <p>{t('start.home.patrons.about')}</p>
          <Link className="button" to={session.status === 'patron' ? '/me' : '/me/login'}>
            {session.status === 'patron' ? t('start.home.myAccount') : t('start.home.patronLogIn')}
          </Link>
        </section>
        <section className="card" aria-labelledby="home-staff">
          <h2 id="home-staff">{t('start.home.staff')}</h2>
          <p>{t('start.home.staff.about')}</p>
          <Link className="button" to={session.status === 'staff' ? staffHome(session.can) : '/staff/login'}>
            {session.status === 'staff' ? t('start.home.continue') : t('start.home.staffLogIn')}
          </Link>
        </section>
        <section className="card" aria-labelledby="home-policy">
          <h2 id="home-policy">{t('start.home.policy')}</h2>
          <p>{t('start.home.policy.about')}</p>
          <form onSubmit={openPolicy}>
            <Field label={t('start.home.libraryCode')} name="library" value={library} onChange={(e) => setLibrary(e.target.value)} />
            <button type="submit">{t('start.home.readPolicy')}</button>
          </form>
        </section>
      </div>
    </Page>
  );
}
