import { useCallback, useEffect, useRef, useState } from 'preact/hooks'

export interface Async<T> {
  data: T | undefined
  error: unknown
  loading: boolean
  reload(): void
}

/** Runs a request when its inputs change and keeps its latest answer or error. */
export function useAsync<T>(fn: () => Promise<T>, deps: unknown[]): Async<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true })
  const [tick, setTick] = useState(0)
  const seq = useRef(0)
  useEffect(() => {
    const mine = ++seq.current
    setState((s) => ({ ...s, loading: true }))
    fn().then(
      (data) => mine === seq.current && setState({ data, loading: false }),
      (error) => mine === seq.current && setState({ error, loading: false }),
    )
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick])
  const reload = useCallback(() => setTick((t) => t + 1), [])
  return { data: state.data, error: state.error, loading: state.loading, reload }
}

/** Keyset pages: the cursor of each page seen so far, for Previous and Next. */
export function useCursor(reset: unknown[]) {
  const [stack, setStack] = useState<(string | null)[]>([null])
  useEffect(() => setStack([null]), reset)
  const cursor = stack[stack.length - 1]
  return {
    cursor,
    page: stack.length,
    hasPrev: stack.length > 1,
    prev: () => setStack((s) => (s.length > 1 ? s.slice(0, -1) : s)),
    next: (c: string) => setStack((s) => [...s, c]),
  }
}
