import { useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import type { LiveEvent } from '../../shared/live-event.js';
import { useSession } from './session.js';

interface Live {
  state: 'off' | 'connecting' | 'open';
  /** The latest arrivals (new cases and camera alerts), newest first, at most 20. */
  recent: LiveEvent[];
}

const REFRESH_EVERY_MS = 2_000;

const LiveContext = createContext<Live>({ state: 'off', recent: [] });

/**
 * Keeps one EventSource open for users with the live board, and refreshes every case list and camera view when
 * something changes, so boards update without reloading. EventSource reconnects by itself; on reconnect the lists
 * are refetched too, so nothing that happened while disconnected is missed.
 */
export function LiveEventsProvider({ children }: { children: ReactNode }) {
  const { can, me } = useSession();
  const queryClient = useQueryClient();
  const [live, setLive] = useState<Live>({ state: 'off', recent: [] });
  const enabled = !!me && can('live.view');

  useEffect(() => {
    if (!enabled) return;
    const source = new EventSource('/api/live/events');
    setLive((l) => ({ ...l, state: 'connecting' }));
    // On a busy day events come many a second: lists refetch at most every few seconds, not once per event.
    const stale = new Set<string>();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refresh = (keys: string[] = ['cases', 'cameras']) => {
      keys.forEach((k) => stale.add(k));
      timer ??= setTimeout(() => {
        timer = undefined;
        for (const k of stale) void queryClient.invalidateQueries({ queryKey: [k] });
        stale.clear();
      }, REFRESH_EVERY_MS);
    };
    source.addEventListener('ready', () => {
      setLive((l) => ({ ...l, state: 'open' }));
      refresh();
    });
    source.onerror = () => setLive((l) => ({ ...l, state: 'connecting' }));
    const onEvent = (e: MessageEvent<string>) => {
      const event = JSON.parse(e.data) as LiveEvent;
      // Lists follow every event; the dashboards' figures refresh on their own cadence (a busy district sends events
      // every second, and summing a year of rollups that often would only load the database).
      refresh(event.type.startsWith('camera.') ? ['cameras', 'cases'] : ['cases']);
      if (event.type === 'case.registered' || event.type === 'camera.alert') {
        setLive((l) => {
          // A repeat of a camera alert replaces its earlier line (the count rises in place).
          const rest = l.recent.filter((r) => !(event.type === 'camera.alert' && r.type === 'camera.alert' && r.caseId === event.caseId));
          return { ...l, recent: [event, ...rest].slice(0, 20) };
        });
      }
    };
    for (const type of ['case.registered', 'case.changed', 'case.overdue', 'camera.alert', 'camera.status'])
      source.addEventListener(type, onEvent);
    return () => {
      clearTimeout(timer);
      source.close();
      setLive({ state: 'off', recent: [] });
    };
  }, [enabled, queryClient]);

  return <LiveContext.Provider value={live}>{children}</LiveContext.Provider>;
}

export function useLiveEvents(): Live {
  return useContext(LiveContext);
}
