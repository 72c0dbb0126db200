import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider, Spin } from 'antd';
import enUSAntd from 'antd/locale/en_US';
import zhCNAntd from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { Suspense, useEffect, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import type { Permission } from '../../shared/permissions.js';
import { LoginPage } from '../pages/login/login-page.js';
import { NotFoundPage } from '../pages/not-found/not-found-page.js';
import { LiveEventsProvider } from './live-events.js';
import { setUnauthorizedHandler } from './api.js';
import { I18nProvider, useI18n } from './i18n.js';
import { AppLayout } from './layout.js';
import { APP_ROUTES } from './routes.js';
import { SessionProvider, useSession } from './session.js';

const queryClient = new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } } });

function RequireAccess({ access, children }: { access: Permission; children: ReactNode }) {
  const { me, isLoading, can } = useSession();
  const location = useLocation();
  if (isLoading) return <Spin style={{ display: 'block', marginTop: 120 }} />;
  if (!me) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  if (!can(access)) return <Navigate to="/" replace />;
  return children;
}

/** The first page a user lands on: where their work starts. */
function Home() {
  const { me, isLoading, can } = useSession();
  if (isLoading) return <Spin style={{ display: 'block', marginTop: 120 }} />;
  if (!me) return <Navigate to="/login" replace />;
  const first = (['case.dispatchBoard', 'stats.view', 'counselling.work', 'case.mine', 'case.register'] as const).find((p) => can(p));
  const to = {
    'case.dispatchBoard': '/dispatch',
    'stats.view': '/command/cockpit',
    'counselling.work': '/counselling',
    'case.mine': '/mine',
    'case.register': '/register',
  } as const;
  return <Navigate to={first ? to[first] : '/cases'} replace />;
}

function UnauthorizedRedirect() {
  const navigate = useNavigate();
  useEffect(() => {
    setUnauthorizedHandler(() => {
      void queryClient.setQueryData(['me'], null);
      navigate('/login');
    });
  }, [navigate]);
  return null;
}

/** People who ask their system for less motion get none (and so do the browser tests, which ask the same way). */
const prefersReducedMotion = typeof window !== 'undefined' && window.matchMedia?.('(prefers-reduced-motion: reduce)').matches;

function Themed({ children }: { children: ReactNode }) {
  const { lang } = useI18n();
  dayjs.locale(lang === 'zh-CN' ? 'zh-cn' : 'en');
  return (
    <ConfigProvider
      locale={lang === 'zh-CN' ? zhCNAntd : enUSAntd}
      theme={{
        token: {
          colorPrimary: '#b71c1c',
          // Links in a blue that keeps 4.5:1 on white (antd derives a lighter red from the primary colour).
          colorLink: '#1a56b0',
          // Danger buttons and error text at 4.5:1 (antd's #ff4d4f is 3.2:1); warnings likewise.
          colorError: '#c62828',
          colorWarning: '#b26a00',
          borderRadius: 4,
          motion: !prefersReducedMotion,
          // The platform's font stack (base.css): the Chinese fonts of each system, then the served rare-character font.
          fontFamily: 'var(--fq-font-sans)',
          // Secondary and placeholder text dark enough to read (WCAG AA 4.5:1 on white); antd's default grey is 3.4:1.
          colorTextSecondary: 'rgba(0, 0, 0, 0.65)',
          colorTextTertiary: 'rgba(0, 0, 0, 0.6)',
          colorTextDescription: 'rgba(0, 0, 0, 0.65)',
          colorTextPlaceholder: 'rgba(0, 0, 0, 0.55)',
        },
      }}
    >
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}

export function Root() {
  return (
    <I18nProvider>
      <Themed>
        <QueryClientProvider client={queryClient}>
          <SessionProvider>
            <LiveEventsProvider>
              <BrowserRouter>
                <UnauthorizedRedirect />
                <Routes>
                  {/* The resident's pages and the grid app are light pages of their own (src/shared/web-entries.ts). */}
                  <Route path="/login" element={<LoginPage />} />
                  {APP_ROUTES.filter((r) => r.standalone && r.element).map((r) => (
                    <Route
                      key={r.path}
                      path={r.path}
                      element={
                        <Suspense fallback={<Spin style={{ display: 'block', marginTop: 120 }} />}>
                          <RequireAccess access={r.access}>{r.element}</RequireAccess>
                        </Suspense>
                      }
                    />
                  ))}
                  <Route path="/" element={<Home />} />
                  <Route element={<AppLayout />}>
                    {APP_ROUTES.filter((r) => !r.standalone).map((r) => (
                      <Route
                        key={r.path}
                        path={r.path}
                        element={
                          <RequireAccess access={r.access}>
                            <Suspense fallback={<Spin style={{ display: 'block', marginTop: 120 }} />}>{r.element}</Suspense>
                          </RequireAccess>
                        }
                      />
                    ))}
                    <Route path="*" element={<NotFoundPage />} />
                  </Route>
                </Routes>
              </BrowserRouter>
            </LiveEventsProvider>
          </SessionProvider>
        </QueryClientProvider>
      </Themed>
    </I18nProvider>
  );
}
