import { useCallback, useEffect, useRef, useState } from 'react';

/** A request's state for the light pages (no query library): data, error, busy, and a way to run it again. */
export function useLoad<T>(load: (() => Promise<T>) | null, deps: unknown[]) {
  // The caller's dependency list decides when to load again (as useEffect's would); `load` itself is new each render.
  const [state, setState] = useState<{ data?: T; error?: Error; isLoading: boolean }>({ isLoading: !!load });
  const current = useRef(0);
  const run = useCallback(async () => {
    if (!load) return;
    const n = ++current.current;
    setState((s) => ({ ...s, isLoading: true, error: undefined }));
    try {
      const data = await load();
      if (n === current.current) setState({ data, isLoading: false });
    } catch (err) {
      if (n === current.current) setState({ error: err as Error, isLoading: false });
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller's deps, by design (see above)
  }, deps);
  useEffect(() => {
    void run();
  }, [run]);
  return { ...state, reload: run };
}

/** A submission's state: run it, see busy / error / result. */
export function useAction<A extends unknown[], T>(action: (...args: A) => Promise<T>) {
  const [state, setState] = useState<{ data?: T; error?: Error; isPending: boolean }>({ isPending: false });
  const run = useCallback(
    async (...args: A): Promise<{ ok: true; data: T } | { ok: false }> => {
      setState((s) => ({ ...s, isPending: true, error: undefined }));
      try {
        const data = await action(...args);
        setState({ data, isPending: false });
        return { ok: true, data };
      } catch (err) {
        setState({ error: err as Error, isPending: false });
        return { ok: false };
      }
    },
    [action],
  );
  return { ...state, run, reset: () => setState({ isPending: false }) };
}
