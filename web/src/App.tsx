import { BrowserRouter, Route, Routes } from 'react-router';
import type { ReactNode } from 'react';
import { SessionProvider, useSession } from './session';
import { I18nProvider, useT } from './i18n';
import { Layout, RequireSession } from './ui/Layout';
import { Home } from './Home';
import { StaffLogin, StaffStart } from './StaffLogin';
import { ChangePassword } from './ChangePassword';
import { DeskArea } from './staff/DeskArea';
import { PatronLogin } from './patron/PatronLogin';
import { PortalArea } from './patron/PortalArea';
import { OfficeArea } from './office/OfficeArea';
import { PolicyPage } from './public/PolicyPage';
import { UnsubscribePage } from './public/Unsubscribe';
import { ForgotPinPage, PinResetPage } from './public/PinReset';
import { Page } from './ui/components';

export function App() {
  return (
    // Navigation updates synchronously (not as a transition), so an ended session and the move to the
    // log-in page happen in one render: its pages unmount at once and the log-in page gets the reason.
    <BrowserRouter basename="/app" useTransitions={false}>
      <SessionProvider>
        <Languages>
        <Layout>
          <Routes>
            <Route path="/" element={<Home />} />
            <Route path="/staff/login" element={<StaffLogin />} />
            <Route path="/staff" element={<StaffStart />} />
            <Route
              path="/staff/password"
              element={
                <RequireSession kind="staff">
                  <ChangePassword />
                </RequireSession>
              }
            />
            <Route
              path="/desk/*"
              element={
                <RequireSession kind="staff">
                  <DeskArea />
                </RequireSession>
              }
            />
            <Route
              path="/office/*"
              element={
                <RequireSession kind="staff">
                  <OfficeArea />
                </RequireSession>
              }
            />
            <Route path="/me/login" element={<PatronLogin />} />
            <Route
              path="/me/*"
              element={
                <RequireSession kind="patron">
                  <PortalArea />
                </RequireSession>
              }
            />
            <Route path="/policy/:libraryId" element={<PolicyPage />} />
            <Route path="/unsubscribe" element={<UnsubscribePage />} />
            <Route path="/forgot-pin" element={<ForgotPinPage />} />
            <Route path="/pin-reset" element={<PinResetPage />} />
            <Route
              path="*"
              element={<NotFound />}
            />
          </Routes>
        </Layout>
        </Languages>
      </SessionProvider>
    </BrowserRouter>
  );
}

/** The page's language follows the session: the person's saved choice and the library's languages. */
function Languages({ children }: { children: ReactNode }) {
  const session = useSession();
  const loggedIn = session.status === 'staff' || session.status === 'patron';
  return (
    <I18nProvider source={{ saved: session.language, library: session.languages, actorId: session.actor?.id, save: loggedIn ? session.saveLanguage : undefined }}>
      {children}
    </I18nProvider>
  );
}

function NotFound() {
  const t = useT();
  return (
    <Page title={t('common.notFound.title')}>
      <p>{t('common.notFound.body')}</p>
    </Page>
  );
}
