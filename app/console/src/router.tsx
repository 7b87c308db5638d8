// A small history-API router: paths like /videos/:id, links that navigate without a page
// load, and focus moved to the new page's heading so keyboard and screen-reader users
// learn that the page changed.
import type { AnchorHTMLAttributes, ComponentChildren } from 'preact'
import { useEffect, useState } from 'preact/hooks'

export interface Location {
  path: string
  query: URLSearchParams
}

function read(): Location {
  return { path: location.pathname, query: new URLSearchParams(location.search) }
}

const EVENT = 'vms:navigate'

let navigated = false

/** Whether the console has moved between pages since it loaded. */
export const navigatedInApp = () => navigated

addEventListener('popstate', () => {
  navigated = true
})

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === location.pathname + location.search) return
  navigated = true
  if (opts.replace) history.replaceState(null, '', to)
  else history.pushState(null, '', to)
  dispatchEvent(new Event(EVENT))
}

export function useLocation(): Location {
  const [loc, setLoc] = useState(read)
  useEffect(() => {
    const update = () => setLoc(read())
    addEventListener('popstate', update)
    addEventListener(EVENT, update)
    return () => {
      removeEventListener('popstate', update)
      removeEventListener(EVENT, update)
    }
  }, [])
  return loc
}

/** Matches a path against a pattern such as /videos/:id; null when it does not match. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/').filter(Boolean)
  const s = path.split('/').filter(Boolean)
  if (p.length !== s.length) return null
  const params: Record<string, string> = {}
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(':')) params[p[i].slice(1)] = decodeURIComponent(s[i])
    else if (p[i] !== s[i]) return null
  }
  return params
}

type AnchorProps = AnchorHTMLAttributes<HTMLAnchorElement> & { href: string; children?: ComponentChildren }

/** An anchor that navigates inside the console; modified clicks open a new tab as usual. */
export function Link({ href, children, onClick, ...rest }: AnchorProps) {
  return (
    <a
      {...rest}
      href={href}
      onClick={(e) => {
        if (onClick) (onClick as (ev: MouseEvent) => void)(e)
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
        e.preventDefault()
        navigate(href)
      }}
    >
      {children}
    </a>
  )
}
