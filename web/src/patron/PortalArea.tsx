import { NavLink, Route, Routes } from 'react-router';
import { useT, type MessageId } from '../i18n';
import { Page } from '../ui/components';
import { CardAndPin } from './CardAndPin';
import { Dependents } from './Dependents';
import { MyData } from './MyData';
import { MyHolds } from './MyHolds';
import { MyLoans } from './MyLoans';
import { MyServices } from './MyServices';
import { Overview } from './Overview';
import { Privacy } from './Privacy';
import { Search } from './Search';
import { WhoLooked } from './WhoLooked';
import './portal.css';

/** The portal's own pages, in the order of the tab bar. */
const PAGES: readonly { to: string; label: MessageId; end?: boolean }[] = [
  { to: '/me', label: 'portal.nav.overview', end: true },
  { to: '/me/loans', label: 'portal.nav.loans' },
  { to: '/me/holds', label: 'portal.nav.holds' },
  { to: '/me/search', label: 'portal.nav.search' },
  { to: '/me/data', label: 'portal.nav.myData' },
  { to: '/me/privacy', label: 'portal.nav.privacy' },
  { to: '/me/who-looked', label: 'portal.nav.whoLooked' },
  { to: '/me/services', label: 'portal.nav.services' },
  { to: '/me/pin', label: 'portal.nav.cardAndPin' },
  { to: '/me/dependents', label: 'portal.nav.children' },
];

/** The patron portal (mobile first): loans, holds, fines, my data, privacy settings, who looked, dependents. */
export function PortalArea() {
  const t = useT();
  return (
    <div className="portal">
      <nav aria-label={t('portal.nav.label')} className="portal-nav">
        <ul>
          {PAGES.map((p) => (
            <li key={p.to}>
              <NavLink to={p.to} end={p.end ?? false}>
                {t(p.label)}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <Routes>
        <Route index element={<Overview />} />
        <Route path="loans" element={<MyLoans />} />
        <Route path="holds" element={<MyHolds />} />
        <Route path="search" element={<Search />} />
        <Route path="data" element={<MyData />} />
        <Route path="privacy" element={<Privacy />} />
        <Route path="who-looked" element={<WhoLooked />} />
        <Route path="services" element={<MyServices />} />
        <Route path="pin" element={<CardAndPin />} />
        <Route path="dependents" element={<Dependents />} />
        <Route
          path="*"
          element={
            <Page title={t('portal.notFound.title')}>
              <p>{t('portal.notFound.text')}</p>
            </Page>
          }
        />
      </Routes>
    </div>
  );
}
