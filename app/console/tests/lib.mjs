// Helpers of the browser tests: the browser, the origin guard, axe-core, screenshots,
// steps and a small API client for seeding data.
import { mkdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { chromium } from 'playwright-core'

const require = createRequire(import.meta.url)

export const BASE = process.env.BASE_URL ?? fail('BASE_URL is not set')
export const OUT = process.env.TEST_OUTPUT ?? fail('TEST_OUTPUT is not set')
export const FIXTURES = process.env.FIXTURES ?? fail('FIXTURES is not set')
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium'

function fail(msg) {
  throw new Error(msg)
}

export const WIDTHS = { desktop: { width: 1440, height: 900 }, mobile: { width: 390, height: 844 } }

/** Problems found along the way that do not stop the run: each fails it at the end. */
export const findings = []

export function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    // As root in a container: no sandbox. No background traffic to Google's services:
    // the origin guard below would see none anyway, but the machine's closed network
    // makes Chromium slow to start without these.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-default-apps',
      '--no-first-run',
      '--mute-audio',
    ],
  })
}

/**
 * A context whose every request must go to the server under test (blob: and data: URLs
 * stay in the page), and whose pages must log no CSP violation and throw no error.
 */
const contexts = []

export async function newContext(browser, size, name) {
  const context = await browser.newContext({ viewport: size, deviceScaleFactor: 1, locale: 'en-GB', timezoneId: 'UTC' })
  contexts.push(context)
  context.on('request', (req) => {
    const url = req.url()
    if (url.startsWith('blob:') || url.startsWith('data:')) return
    if (new URL(url).origin !== BASE) findings.push(`${name}: a request left the origin: ${req.method()} ${url}`)
  })
  context.on('page', (page) => watchPage(page, name))
  return context
}

function watchPage(page, name) {
  page.on('pageerror', (e) => findings.push(`${name}: uncaught error on ${page.url()}: ${e.message}`))
  page.on('console', (m) => {
    const t = m.text()
    if (/Content Security Policy|Refused to (load|execute|apply)/i.test(t)) findings.push(`${name}: CSP violation on ${page.url()}: ${t}`)
  })
}

const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')

/**
 * Runs axe-core on the page; serious and critical violations are findings. axe is
 * evaluated through the DevTools protocol, not added as a <script>: the console's CSP
 * forbids inline scripts, and the check must not loosen it.
 */
export async function axe(page, label) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(axeSource)
  // axe's default rule set: WCAG 2.x A and AA and best practices.
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }))
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  for (const v of bad) {
    findings.push(`axe ${label}: ${v.impact} ${v.id} (${v.help}) at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`)
  }
  return { violations: result.violations.length, serious: bad.length }
}

export const screens = new Set()

/** A full-page screenshot under test-output/screens/<width>/<name>.png. */
export async function shot(page, name) {
  const w = page.viewportSize().width
  const dir = join(OUT, 'screens', String(w))
  mkdirSync(dir, { recursive: true })
  // Stable pictures: no caret, no running transitions.
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true, animations: 'disabled', caret: 'hide' })
  screens.add(`${w}/${name}`)
}

/** The visible part of the page, for the README (test-output/readme/<name>.png). */
export async function readmeShot(page, name) {
  const dir = join(OUT, 'readme')
  mkdirSync(dir, { recursive: true })
  await page.screenshot({ path: join(dir, `${name}.png`), animations: 'disabled', caret: 'hide' })
}

/** Screenshot and axe check of the page as it is now; the page must not scroll sideways. */
export async function capture(page, name) {
  const w = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, view: window.innerWidth }))
  if (w.scroll > w.view) findings.push(`${name} at ${w.view}px is ${w.scroll}px wide: the page scrolls sideways`)
  await shot(page, name)
  const a = await axe(page, `${name} at ${page.viewportSize().width}px`)
  log(`   ${name} at ${page.viewportSize().width}px: screenshot, axe ${a.violations} violations (${a.serious} serious or critical)`)
}

/**
 * The checks must be able to fail: axe finds a planted violation, and the origin guard
 * sees a planted request to another origin (aborted before it leaves the browser).
 */
export async function selfTest(browser) {
  const before = findings.length
  const context = await newContext(browser, WIDTHS.mobile, 'self-test')
  const page = await context.newPage()
  await page.route('http://192.0.2.1/**', (r) => r.abort())
  await page.goto(BASE + '/healthz')
  await page.evaluate(() => fetch('http://192.0.2.1/planted').catch(() => {}))
  await page.setContent('<!doctype html><html lang="en"><title>t</title><body><main><img src="data:,"><input></main></body></html>')
  const a = await axe(page, 'self-test')
  await context.close()
  const planted = findings.splice(before)
  if (!planted.some((f) => f.includes('request left the origin') && f.includes('192.0.2.1'))) throw new Error('the origin guard did not see a planted request')
  if (a.serious < 1 || !planted.some((f) => f.includes('image-alt'))) throw new Error(`axe did not report the planted violations: ${planted}`)
  log(`   self-test: the origin guard and axe-core (${a.serious} planted serious or critical violations) both report`)
}

let stepNo = 0
export function log(msg) {
  console.log(msg)
}

/** Runs one step of the journey, timed; the first failure stops the run. */
export async function step(name, fn) {
  stepNo++
  const t0 = Date.now()
  log(`-- ${stepNo}. ${name}`)
  try {
    await fn()
  } catch (e) {
    log(`   FAIL after ${Date.now() - t0} ms`)
    // What every open page showed when the step failed.
    let n = 0
    for (const c of contexts) {
      for (const p of c.pages()) {
        const path = join(OUT, `failure-${stepNo}-${++n}.png`)
        await p.screenshot({ path, fullPage: true }).catch(() => {})
        log(`   ${p.url()} -> ${path}`)
      }
    }
    throw e
  }
  log(`   ok (${Date.now() - t0} ms)`)
}

export function expect(cond, msg) {
  if (!cond) throw new Error(`expectation failed: ${msg}`)
}

/** The API, for seeding and checks; tokens from a plain (body) login. */
export async function api(method, path, { body, token } = {}) {
  const res = await fetch(BASE + path, {
    method,
    headers: { ...(body ? { 'Content-Type': 'application/json' } : {}), ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`)
  return text ? JSON.parse(text) : null
}

export async function apiToken(email, password) {
  return (await api('POST', '/v1/auth/login', { body: { email, password } })).access_token
}

export const fixture = (name) => join(FIXTURES, name)

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms))
}

/** Waits until fn() is truthy, polling. */
export async function until(what, fn, { timeout = 60000, every = 500 } = {}) {
  const end = Date.now() + timeout
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(every)
  }
}
