import { useCallback, useEffect, useRef, useState } from 'react';

export interface Polled<T> {
  data: T | undefined;
  error: Error | undefined;
  /** True until the first answer (or error) for the current key. */
  loading: boolean;
  /** True while `data` is the previous key's (only with `keepData`). */
  stale?: boolean;
}

/**
 * Loads `load()` now and again every `intervalMs` while the tab is visible, so new traffic shows up
 * without a reload. `key` changes (route params) restart it; stale answers are dropped. With
 * `keepData`, the previous key's data stays shown until the new key's first answer (a search box keeps
 * its page, and its focus, while the server answers).
 */
export function usePolling<T>(
  load: (signal: AbortSignal) => Promise<T>,
  key: string,
  intervalMs: number,
  options: { keepData?: boolean } = {},
): Polled<T> {
  const keepData = options.keepData === true;
  const [state, setState] = useState<Polled<T> & { key: string }>({
    data: undefined,
    error: undefined,
    loading: true,
    key,
  });
  const loadRef = useRef(load);
  loadRef.current = load;

  const run = useCallback(
    async (signal: AbortSignal) => {
      try {
        const data = await loadRef.current(signal);
        if (!signal.aborted) setState({ data, error: undefined, loading: false, key });
      } catch (error) {
        if (signal.aborted) return;
        setState((prev) => ({
          data: prev.key === key || keepData ? prev.data : undefined,
          error: error instanceof Error ? error : new Error(String(error)),
          loading: false,
          key,
        }));
      }
    },
    [key, keepData],
  );

  useEffect(() => {
    const controller = new AbortController();
    void run(controller.signal);
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void run(controller.signal);
    }, intervalMs);
    return () => {
      controller.abort();
      clearInterval(timer);
    };
  }, [run, intervalMs]);

  if (state.key !== key) {
    if (keepData && state.data !== undefined)
      return { data: state.data, error: undefined, loading: false, stale: true };
    return { data: undefined, error: undefined, loading: true };
  }
  return state;
}
