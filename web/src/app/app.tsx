// The console's routes. Pages that need a session sit inside the shell; the heavy ones (charts,
// map) load with their own code when first opened.
import { lazy, Suspense, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import type { Principal } from '../api/types.ts';
import { ToastProvider } from '../components/toasts.tsx';
import { Loading } from '../components/ui.tsx';
import { canManageUsers, canMonitorTrips, canReadAlerts, canReadCctv, canReadInspections, canReadSettings, canReadTransparencyLog, canReadTrips, canSeeTargeting, canWatchGates } from '../lib/rights.ts';
import { LiveProvider } from '../live/live.tsx';
import { BookPage } from '../pages/book.page.tsx';
import { BooksPage } from '../pages/books.page.tsx';
import { DeclarationFormPage } from '../pages/declaration-form.page.tsx';
import { DeclarationPage } from '../pages/declaration.page.tsx';
import { DeclarationsPage } from '../pages/declarations.page.tsx';
import { EnterprisePage } from '../pages/enterprise.page.tsx';
import { EnterprisesPage } from '../pages/enterprises.page.tsx';
import { LoginPage } from '../pages/login.page.tsx';
import { LotPage } from '../pages/lot.page.tsx';
import { RequireRight } from '../pages/not-allowed.page.tsx';
import { NotFoundPage } from '../pages/not-found.page.tsx';
import { ReconciliationPage } from '../pages/reconciliation.page.tsx';
import { RiskRulePage } from '../pages/risk-rule.page.tsx';
import { SettingsPage } from '../pages/settings.page.tsx';
import { TariffPage } from '../pages/tariff.page.tsx';
import { UsersPage } from '../pages/users.page.tsx';
import { VerifyDocumentPage, VerifyPastedPage } from '../pages/verify.page.tsx';
import { DirectoryProvider, SessionProvider, useSessionState } from './session.tsx';
import { Shell } from './shell.tsx';

const DashboardPage = lazy(() => import('../pages/dashboard.page.tsx'));
const ZonesMapPage = lazy(() => import('../pages/zones-map.page.tsx'));
const RiskPage = lazy(() => import('../pages/risk.page.tsx'));
const AlertsPage = lazy(() => import('../pages/alerts.page.tsx'));
const GatesPage = lazy(() => import('../pages/gates.page.tsx'));
const GatePassagePage = lazy(() => import('../pages/gate-passage.page.tsx'));
const InspectionsPage = lazy(() => import('../pages/inspections.page.tsx'));
const InspectionPage = lazy(() => import('../pages/inspection.page.tsx'));
const CctvPage = lazy(() => import('../pages/cctv.page.tsx'));
const TransparencyPage = lazy(() => import('../pages/transparency.page.tsx'));
const MonitoringPage = lazy(() => import('../pages/monitoring.page.tsx'));
const TripsPage = lazy(() => import('../pages/trips.page.tsx'));
const TripPage = lazy(() => import('../pages/trip.page.tsx'));
const DevicesPage = lazy(() => import('../pages/devices.page.tsx'));

function RequireSession({ children }: { children: ReactNode }) {
  const { session, restoring } = useSessionState();
  const location = useLocation();
  if (restoring) return <Loading label="Restoring your session…" />;
  if (!session) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return children;
}

function SignedIn() {
  return (
    <RequireSession>
      <DirectoryProvider>
        <LiveProvider>
          <Shell />
        </LiveProvider>
      </DirectoryProvider>
    </RequireSession>
  );
}

const lazyPage = (page: ReactNode) => <Suspense fallback={<Loading />}>{page}</Suspense>;

/** A page for those whose role allows it; the others are told plainly what they may not do. */
const guarded = (allowed: (principal: Principal) => boolean, what: string, page: ReactNode) => (
  <RequireRight allowed={allowed} what={what}>
    {page}
  </RequireRight>
);

export function App() {
  return (
    <BrowserRouter>
      <ToastProvider>
        <SessionProvider>
          <Routes>
            <Route path="/login" element={<LoginPage />} />
            {/* Public: whoever holds a document checks it without an account. */}
            <Route path="/verify" element={<VerifyPastedPage />} />
            <Route path="/verify/:id" element={<VerifyDocumentPage />} />
            <Route element={<SignedIn />}>
              <Route index element={<Navigate to="/dashboard" replace />} />
              <Route path="dashboard" element={lazyPage(<DashboardPage />)} />
              <Route path="declarations" element={<DeclarationsPage />} />
              <Route path="declarations/new" element={<DeclarationFormPage />} />
              <Route path="declarations/:id" element={<DeclarationPage />} />
              <Route path="declarations/:id/amend" element={<DeclarationFormPage />} />
              <Route path="books" element={<BooksPage />} />
              <Route path="books/:id" element={<BookPage />} />
              <Route path="lots/:id" element={<LotPage />} />
              <Route path="reconciliations/:id" element={<ReconciliationPage />} />
              <Route path="zones" element={lazyPage(<ZonesMapPage />)} />
              <Route path="enterprises" element={<EnterprisesPage />} />
              <Route path="enterprises/:id" element={<EnterprisePage />} />
              <Route path="tariff" element={<TariffPage />} />
              <Route path="settings" element={guarded(canReadSettings, 'read the administration’s settings', <SettingsPage />)} />
              <Route path="users" element={guarded(canManageUsers, 'manage users and API keys', <UsersPage />)} />
              <Route path="risk" element={guarded(canSeeTargeting, 'read the risk engine’s rules and models', lazyPage(<RiskPage />))} />
              <Route path="risk/rules/new" element={guarded(canSeeTargeting, 'read the risk engine’s rules', <RiskRulePage />)} />
              <Route path="risk/rules/:id" element={guarded(canSeeTargeting, 'read the risk engine’s rules', <RiskRulePage />)} />
              <Route path="alerts" element={guarded(canReadAlerts, 'read the alerts of the zones', lazyPage(<AlertsPage />))} />
              <Route path="gates" element={guarded(canWatchGates, 'watch the gates of the zones', lazyPage(<GatesPage />))} />
              <Route path="gates/passages/:id" element={guarded(canWatchGates, 'read the passages at the gates', lazyPage(<GatePassagePage />))} />
              <Route path="inspections" element={guarded(canReadInspections, 'read the inspections of the zones', lazyPage(<InspectionsPage />))} />
              <Route path="inspections/:id" element={guarded(canReadInspections, 'read inspection tasks', lazyPage(<InspectionPage />))} />
              <Route path="cctv" element={guarded(canReadCctv, 'read the CCTV evidence of the zones', lazyPage(<CctvPage />))} />
              <Route path="transparency" element={guarded(canReadTransparencyLog, 'read the transparency log', lazyPage(<TransparencyPage />))} />
              <Route path="monitoring" element={guarded(canMonitorTrips, 'watch the trips under way', lazyPage(<MonitoringPage />))} />
              <Route path="trips" element={guarded(canReadTrips, 'read the trips of goods under seal', lazyPage(<TripsPage />))} />
              <Route path="trips/:id" element={guarded(canReadTrips, 'read the trips of goods under seal', lazyPage(<TripPage />))} />
              <Route path="devices" element={guarded(canReadTrips, 'read the tracking devices', lazyPage(<DevicesPage />))} />
              <Route path="*" element={<NotFoundPage />} />
            </Route>
          </Routes>
        </SessionProvider>
      </ToastProvider>
    </BrowserRouter>
  );
}
