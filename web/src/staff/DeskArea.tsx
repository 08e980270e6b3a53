import { Route, Routes } from 'react-router';
import { useT } from '../i18n';
import { Page } from '../ui/components';
import { DeskProvider } from './desk-context';
import { DeskHome } from './DeskHome';
import { FindPatron } from './FindPatron';
import { DeskCatalogue } from './Catalogue'; // the catalogue (issue 18)
import { HoldShelf } from './HoldShelf';
import { RecordComplaint } from './RecordComplaint';
import { RegisterPatron } from './RegisterPatron';
import { Services } from './Services';
// Staff lists (issue 15)
import { StaffLists } from './StaffLists';
import './desk.css';

/** The circulation desk: find a patron, register, check out and in, renew, holds, fines, cards. */
export function DeskArea() {
  const t = useT();
  return (
    <DeskProvider>
      <Routes>
        <Route index element={<DeskHome />} />
        <Route path="find" element={<FindPatron />} />
        <Route path="register" element={<RegisterPatron />} />
        <Route path="hold-shelf" element={<HoldShelf />} />
        <Route path="catalogue" element={<DeskCatalogue />} />
        <Route path="services" element={<Services />} />
        <Route path="complaint" element={<RecordComplaint />} />
        {/* Staff lists (issue 15) */}
        <Route path="lists" element={<StaffLists />} />
        <Route path="lists/:list" element={<StaffLists />} />
        <Route
          path="*"
          element={
            <Page title={t('deskhome.area.notFound.title')}>
              <p>{t('deskhome.area.notFound.body')}</p>
            </Page>
          }
        />
      </Routes>
    </DeskProvider>
  );
}
