import { Link, NavLink } from 'react-router';
import { useT, type MessageId } from '../i18n';
import { useSession } from '../session';

/** The desk's pages, each shown only to roles that may use it. */
const DESK_PAGES: { to: string; label: MessageId; permissions: string[] }[] = [
  { to: '/desk', label: 'deskhome.nav.checkOutAndIn', permissions: ['circulation.checkout', 'circulation.checkin'] },
  { to: '/desk/find', label: 'deskhome.nav.findPatron', permissions: ['patron.search', 'patron.identify'] },
  { to: '/desk/register', label: 'deskhome.nav.registerPatron', permissions: ['patron.register'] },
  { to: '/desk/hold-shelf', label: 'deskhome.nav.holdShelf', permissions: ['holds.shelf'] },
  // The catalogue (issue 18): anyone at the desk may search it (it is public)
  { to: '/desk/catalogue', label: 'deskhome.nav.catalogue', permissions: ['holds.place', 'items.manage', 'holds.shelf'] },
  { to: '/desk/services', label: 'deskhome.nav.services', permissions: ['services.record'] },
  { to: '/desk/complaint', label: 'deskhome.nav.recordComplaint', permissions: ['complaints.record'] },
  // Staff lists (issue 15): not `end`, so it stays current on each list's page.
  { to: '/desk/lists', label: 'deskhome.nav.lists', permissions: ['circulation.lists'] },
];

/** The desk's own navigation, below each desk page's heading. */
export function DeskNav() {
  const t = useT();
  const session = useSession();
  const pages = DESK_PAGES.filter((p) => p.permissions.some((permission) => session.can(permission)));
  if (pages.length < 2) return null;
  return (
    <nav className="no-print" aria-label={t('deskhome.nav.label')}>
      <ul className="tabs">
        {pages.map((p) => (
          <li key={p.to}>
            <NavLink to={p.to} end={p.to !== '/desk/lists'}>
              {t(p.label)}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** What a page of the desk says to a role that may not use it. */
export function NotForRole({ what }: { what: string }) {
  const t = useT();
  const session = useSession();
  return (
    <>
      <p>{t('deskhome.notForRole.body', { what })}</p>
      {session.can('holds.shelf') && (
        <p>
          <Link to="/desk/hold-shelf">{t('deskhome.notForRole.goToHoldShelf')}</Link>
        </p>
      )}
    </>
  );
}
