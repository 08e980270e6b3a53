import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useSession } from './session';
import { Field, Page } from './ui/components';
import { staffHome } from './StaffLogin';

export function Home() {
  const session = useSession();
  const navigate = useNavigate();
  const [library, setLibrary] = useState('');
  const openPolicy = (event: FormEvent) => {
    event.preventDefault();
    if (library.trim()) navigate(`/policy/${encodeURIComponent(library.trim())}`);
  };
  return (
    <Page title="Welcome to Carrel">
      <div className="cards">
        <section className="card" aria-labelledby="home-patrons">
          <h2 id="home-patrons">Patrons</h2>
          <p>See your loans, holds and fines, download everything the library keeps about you, and choose what it keeps.</p>
          <Link className="button" to={session.status === 'patron' ? '/me' : '/me/login'}>
            {session.status === 'patron' ? 'My account' : 'Log in with your card'}
          </Link>
        </section>
        <section className="card" aria-labelledby="home-staff">
          <h2 id="home-staff">Library staff</h2>
          <p>The circulation desk, and for the director the privacy office.</p>
          <Link className="button" to={session.status === 'staff' ? staffHome(session.can) : '/staff/login'}>
            {session.status === 'staff' ? 'Continue' : 'Staff log-in'}
          </Link>
        </section>
        <section className="card" aria-labelledby="home-policy">
          <h2 id="home-policy">Privacy policy</h2>
          <p>What a library keeps, why, for how long, who can see it and when it could be disclosed.</p>
          <form onSubmit={openPolicy}>
            <Field label="Library code" name="library" value={library} onChange={(e) => setLibrary(e.target.value)} />
            <button type="submit">Read the policy</button>
          </form>
        </section>
      </div>
    </Page>
  );
}
