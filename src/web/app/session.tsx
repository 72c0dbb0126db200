import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, type ReactNode } from 'react';
import type { Permission } from '../../shared/permissions.js';
import type { Me } from '../../shared/schemas/auth.js';
import { getSession } from './services/auth.js';

interface Session {
  me: Me | null;
  isLoading: boolean;
  /** Asking the server failed (no network, server down) — not the same as "not signed in". */
  isUnreachable: boolean;
  can(permission: Permission): boolean;
  refresh(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: ['me'],
    queryFn: async () => (await getSession()).me,
    staleTime: Infinity,
    retry: false,
  });
  const me = query.data ?? null;
  const session: Session = {
    me,
    isLoading: query.isLoading,
    isUnreachable: query.isError,
    can: (p) => !!me?.permissions.includes(p),
    refresh: async () => {
      await queryClient.invalidateQueries();
    },
  };
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}
