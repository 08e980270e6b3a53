import { Route, Routes } from 'react-router';
import { Page } from '../ui/components';

/** The circulation desk: find a patron, register, check out and in, renew, holds, fines, cards. */
export function DeskArea() {
  return (
    <Routes>
      <Route index element={<Page title="Desk">The desk is being built.</Page>} />
    </Routes>
  );
}
