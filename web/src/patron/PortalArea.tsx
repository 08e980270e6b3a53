import { Route, Routes } from 'react-router';
import { Page } from '../ui/components';

/** The patron portal (mobile first): loans, holds, fines, my data, privacy settings, who looked, dependents. */
export function PortalArea() {
  return (
    <Routes>
      <Route index element={<Page title="My account">The portal is being built.</Page>} />
    </Routes>
  );
}
