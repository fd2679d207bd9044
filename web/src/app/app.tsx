// The console's routes. Pages that need a session sit inside the shell; the heavy ones (charts,
// map) load with their own code when first opened.
import { lazy, Suspense, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { ToastProvider } from '../components/toasts.tsx';
import { Loading } from '../components/ui.tsx';
import { LiveProvider } from '../live/live.tsx';
import { BookPage } from '../pages/book.page.tsx';
import { BooksPage } from '../pages/books.page.tsx';
import { DeclarationFormPage } from '../pages/declaration-form.page.tsx';
import { DeclarationPage } from '../pages/declaration.page.tsx';
import { DeclarationsPage } from '../pages/declarations.page.tsx';
import { LoginPage } from '../pages/login.page.tsx';
import { LotPage } from '../pages/lot.page.tsx';
import { NotFoundPage } from '../pages/not-found.page.tsx';
import { ReconciliationPage } from '../pages/reconciliation.page.tsx';
import { DirectoryProvider, SessionProvider, useSessionState } from './session.tsx';
import { Shell } from './shell.tsx';

const DashboardPage = lazy(() => import('../pages/dashboard.page.tsx'));
const ZonesMapPage = lazy(() => import('../pages/zones-map.page.tsx'));

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

export function App() {
  return (
    <BrowserRouter>
      <ToastProvider>
        <SessionProvider>
          <Routes>
            <Route path="/login" element={<LoginPage />} />
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
              <Route path="*" element={<NotFoundPage />} />
            </Route>
          </Routes>
        </SessionProvider>
      </ToastProvider>
    </BrowserRouter>
  );
}
