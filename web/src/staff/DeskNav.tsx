import { Link, NavLink } from 'react-router';
import { useSession } from '../session';

/** The desk's pages, each shown only to roles that may use it. */
const DESK_PAGES: { to: string; label: string; permissions: string[] }[] = [
  { to: '/desk', label: 'Check out and in', permissions: ['circulation.checkout', 'circulation.checkin'] },
  { to: '/desk/find', label: 'Find a patron', permissions: ['patron.search', 'patron.identify'] },
  { to: '/desk/register', label: 'Register a patron', permissions: ['patron.register'] },
  { to: '/desk/hold-shelf', label: 'Hold shelf', permissions: ['holds.shelf'] },
  // The catalogue (issue 18): anyone at the desk may search it (it is public)
  { to: '/desk/catalogue', label: 'Catalogue', permissions: ['holds.place', 'items.manage', 'holds.shelf'] },
  { to: '/desk/services', label: 'Services', permissions: ['services.record'] },
  { to: '/desk/complaint', label: 'Record a complaint', permissions: ['complaints.record'] },
  // Staff lists (issue 15): not `end`, so it stays current on each list's page.
  { to: '/desk/lists', label: 'Lists', permissions: ['circulation.lists'] },
];

/** The desk's own navigation, below each desk page's heading. */
export function DeskNav() {
  const session = useSession();
  const pages = DESK_PAGES.filter((p) => p.permissions.some((permission) => session.can(permission)));
  if (pages.length < 2) return null;
  return (
    <nav className="no-print" aria-label="Desk">
      <ul className="tabs">
        {pages.map((p) => (
          <li key={p.to}>
            <NavLink to={p.to} end={p.to !== '/desk/lists'}>
              {p.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** What a page of the desk says to a role that may not use it. */
export function NotForRole({ what }: { what: string }) {
  const session = useSession();
  return (
    <>
      <p>{what} is not part of your role.</p>
      {session.can('holds.shelf') && (
        <p>
          <Link to="/desk/hold-shelf">Go to the hold shelf</Link>
        </p>
      )}
    </>
  );
}
