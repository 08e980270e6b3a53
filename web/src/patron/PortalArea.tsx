import { NavLink, Route, Routes } from 'react-router';
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
const PAGES = [
  { to: '/me', label: 'Overview', end: true },
  { to: '/me/loans', label: 'Loans' },
  { to: '/me/holds', label: 'Holds' },
  { to: '/me/search', label: 'Search' },
  { to: '/me/data', label: 'My data' },
  { to: '/me/privacy', label: 'Privacy' },
  { to: '/me/who-looked', label: 'Who looked' },
  { to: '/me/services', label: 'Services' },
  { to: '/me/pin', label: 'Card & PIN' },
  { to: '/me/dependents', label: 'Children' },
] as const;

/** The patron portal (mobile first): loans, holds, fines, my data, privacy settings, who looked, dependents. */
export function PortalArea() {
  return (
    <div className="portal">
      <nav aria-label="My account" className="portal-nav">
        <ul>
          {PAGES.map((p) => (
            <li key={p.to}>
              <NavLink to={p.to} end={'end' in p ? p.end : false}>
                {p.label}
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
            <Page title="Page not found">
              <p>There is no such page in your account.</p>
            </Page>
          }
        />
      </Routes>
    </div>
  );
}
