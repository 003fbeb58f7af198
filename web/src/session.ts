/** Who is signed in: GET /v1/session through TanStack Query; null when nobody is (or the session ended). */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiProblem, api, dataOf, setCsrfToken } from './api/client';
import type { Session } from './api/client';

export const SESSION_KEY = ['session'] as const;

async function readSession(): Promise<Session | null> {
  try {
    const session = dataOf(await api.GET('/v1/session'));
    setCsrfToken(session.csrfToken);
    return session;
  } catch (err) {
    if (err instanceof ApiProblem && (err.status === 401 || err.status === 404)) {
      setCsrfToken(undefined);
      return null;
    }
    throw err;
  }
}

export function useSession() {
  return useQuery({ queryKey: SESSION_KEY, queryFn: readSession, staleTime: 60_000, retry: false });
}

export function useSetSession(): (s: Session | null) => void {
  const client = useQueryClient();
  return (s) => {
    setCsrfToken(s?.csrfToken);
    client.setQueryData(SESSION_KEY, s);
  };
}
