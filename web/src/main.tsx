/** The workbench's entry: words, data (TanStack Query), screens (TanStack Router). */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import './i18n';
import './i18n-controls';
import './i18n-dashboard-nav';
import './i18n-watchlists';
import './i18n-cooperation-nav';
import './styles.css';
import { ApiProblem } from './api/client';
import { SESSION_KEY } from './session';
import { router } from './router';

const queryClient: QueryClient = new QueryClient({
  defaultOptions: {
    queries: { retry: (n, err) => !(err instanceof ApiProblem && err.status < 500) && n < 2 },
  },
  // A session that ended (idle, signed out elsewhere) sends the person to sign in again.
  queryCache: new QueryCache({
    onError: (err) => {
      if (err instanceof ApiProblem && err.status === 401) {
        queryClient.setQueryData(SESSION_KEY, null);
      }
    },
  }),
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
