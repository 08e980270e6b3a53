import { Route, Routes } from 'react-router';
import { Page } from '../ui/components';

/** The director's (privacy officer's) office: legal requests, legal holds, retention, reports, statistics. */
export function OfficeArea() {
  return (
    <Routes>
      <Route index element={<Page title="Office">The office is being built.</Page>} />
    </Routes>
  );
}
