/**
 * The workbench's screens and their addresses (TanStack Router). The server answers index.html for
 * each of these paths (src/api/workbench.plugin.ts WORKBENCH_ROUTES): keep the two lists the same.
 */
import { useEffect } from 'react';
import type { ReactNode } from 'react';
import {
  Link,
  Outlet,
  createRootRoute,
  createRoute,
  createRouter,
  lazyRouteComponent,
  redirect,
  useNavigate,
  useRouterState,
} from '@tanstack/react-router';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { LANGUAGES } from './i18n';
import { api } from './api/client';
import { ErrorPanel } from './components';
import { useSession, useSetSession } from './session';
import { SignIn } from './screens/SignIn';
import { Queue } from './screens/Queue';
import { Consignment } from './screens/Consignment';
import { Controls } from './screens/Controls';
import { ControlTask } from './screens/ControlTask';
import { Audit } from './screens/Audit';
import { mayAudit, mayCooperate, mayReadIndicators, mayUseControls, mayUseWatchlists } from './roles';

function LanguagePicker() {
  const { t, i18n } = useTranslation();
  return (
    <label className="language">
      {t('app.language')}{' '}
      <select value={i18n.language} onChange={(e) => void i18n.changeLanguage(e.target.value)}>
        {Object.entries(LANGUAGES).map(([code, name]) => (
          <option key={code} value={code} lang={code}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );
}

function Layout() {
  const { t } = useTranslation();
  const session = useSession();
  const setSession = useSetSession();
  const navigate = useNavigate();
  const path = useRouterState({ select: (s) => s.location.pathname });
  const signedOut = session.data === null;
  useEffect(() => {
    if (signedOut && path !== '/sign-in') {
      void navigate({ to: '/sign-in' });
    }
  }, [signedOut, path, navigate]);

  async function signOut() {
    await api.DELETE('/v1/session');
    setSession(null);
    await navigate({ to: '/sign-in' });
  }

  let body: ReactNode;
  if (path === '/sign-in') {
    body = <Outlet />;
  } else if (session.isPending) {
    body = (
      <main id="main">
        <p>{t('queue.loading')}</p>
      </main>
    );
  } else if (session.isError) {
    body = (
      <main id="main">
        <ErrorPanel error={session.error} onRetry={() => void session.refetch()} />
      </main>
    );
  } else if (session.data === null) {
    body = null;
  } else {
    body = <Outlet />;
  }
  return (
    <>
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      <header className="top">
        <span className="brand">{t('app.name')}</span>
        {session.data && (
          <nav aria-label={t('app.nav')}>
            <Link to="/queue">{t('queue.title')}</Link>
            {mayUseControls(session.data.role) && <Link to="/controls">{t('nav.controls')}</Link>}
            {mayAudit(session.data.role) && <Link to="/audit">{t('nav.audit')}</Link>}
            <Link to="/rules">{t('rules.title')}</Link>
            {mayReadIndicators(session.data.role) && <Link to="/dashboard">{t('nav.dashboard')}</Link>}
            {mayUseWatchlists(session.data.role) && <Link to="/watchlists">{t('nav.watchlists')}</Link>}
            {mayCooperate(session.data.role) && <Link to="/cooperation">{t('nav.cooperation')}</Link>}
          </nav>
        )}
        <span className="spacer" />
        <LanguagePicker />
        {session.data && (
          <>
            <span className="who">
              {session.data.displayName} · {session.data.role} · {session.data.authority}
            </span>
            <Button className="button secondary" onPress={() => void signOut()}>
              {t('app.signOut')}
            </Button>
          </>
        )}
      </header>
      {body}
    </>
  );
}

const rootRoute = createRootRoute({ component: Layout });
const indexRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/',
  beforeLoad: () => {
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- the router's redirect is thrown
    throw redirect({ to: '/queue' });
  },
});
const signInRoute = createRoute({ getParentRoute: () => rootRoute, path: '/sign-in', component: SignIn });
const queueRoute = createRoute({ getParentRoute: () => rootRoute, path: '/queue', component: Queue });
export const consignmentRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/consignments/$mrn/$index',
  component: Consignment,
});
const controlsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/controls',
  component: Controls,
});
const controlTaskRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/controls/$id',
  component: ControlTask,
});
const auditRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/audit',
  component: Audit,
});
const dashboardRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/dashboard',
  // Loaded on demand with its charts: the first screen does not carry it.
  component: lazyRouteComponent(() => import('./screens/Dashboard'), 'Dashboard'),
});
// Loaded on demand: the first screen's scripts stay small.
const watchlistsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/watchlists',
  component: lazyRouteComponent(() => import('./screens/Watchlists'), 'Watchlists'),
});
// RIFs and joint operations, loaded on demand with their words.
const cooperationRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/cooperation',
  component: lazyRouteComponent(() => import('./screens/Cooperation'), 'Cooperation'),
});

// The Rules screens load on demand (their editor and charts in chunks of their own).
const rulesRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/rules',
  component: lazyRouteComponent(() => import('./screens/Rules'), 'Rules'),
});
const ruleRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/rules/$id',
  component: lazyRouteComponent(() => import('./screens/Rule'), 'Rule'),
});

export const router = createRouter({
  routeTree: rootRoute.addChildren([
    indexRoute,
    signInRoute,
    queueRoute,
    consignmentRoute,
    controlsRoute,
    controlTaskRoute,
    auditRoute,
    rulesRoute,
    ruleRoute,
    dashboardRoute,
    watchlistsRoute,
    cooperationRoute,
  ]),
});

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
