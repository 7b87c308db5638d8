// The console's whole journey in Chromium against a live server (tests/run.sh starts it):
// sign-up, sign-in and out, uploads that survive going offline and a reload, the library,
// playback over HLS and of the original file, points, users and sessions, trash and
// restore on both plans, the corporation, and the screens of APIs this server may not
// have yet; then every screen at 390 and 1440 px, each checked by axe-core and kept as a
// screenshot. Every request of every page must stay on the server's origin.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  api,
  apiToken,
  axe,
  BASE,
  capture,
  expect,
  findings,
  fixture,
  launch,
  log,
  newContext,
  OUT,
  readmeShot,
  screens,
  selfTest,
  shot,
  sleep,
  step,
  until,
  WIDTHS,
} from './lib.mjs'

const ADMIN = { email: 'admin@acme.example', password: 'correct horse battery' }
const GUEST = { email: 'guest@acme.example', password: 'guest password 1', reset: 'guest password 2' }
const CORP = 'Acme Films'

const started = Date.now()
const browser = await launch()
let failed = null
try {
  await journey()
} catch (e) {
  failed = e
} finally {
  await browser.close()
}

log(`\nscreenshots: ${screens.size} in ${join(OUT, 'screens')}`)
writeFileSync(join(OUT, 'screens.txt'), [...screens].sort().join('\n') + '\n')
if (findings.length) {
  log(`\n${findings.length} finding(s):`)
  for (const f of findings) log(`  - ${f}`)
}
if (failed) {
  log(`\nFAIL: ${failed.stack ?? failed}`)
  process.exit(1)
}
if (findings.length) {
  log('\nFAIL: the findings above')
  process.exit(1)
}
log(`\nPASS in ${Math.round((Date.now() - started) / 1000)} s`)

/** Presses play (muted: no user gesture in a test) once the player's source is attached. */
async function playIn(page) {
  await page.locator('video[data-ready]').waitFor({ timeout: 15000 })
  const r = await page.evaluate(() => {
    const v = document.querySelector('video')
    v.muted = true
    return Promise.race([v.play().then(() => 'playing'), new Promise((res) => setTimeout(() => res('no playback within 15 s'), 15000))])
  })
  expect(r === 'playing', r)
}

async function journey() {
  const desk = await newContext(browser, WIDTHS.desktop, 'desktop')
  const page = await desk.newPage()
  const uploads = [] // every tus request of the desktop context
  desk.on('request', (r) => {
    if (r.url().includes('/v1/uploads')) uploads.push({ method: r.method(), url: r.url() })
  })
  let ids = {}

  await step('the checks themselves work', () => selfTest(browser))

  await step('a signed-out visitor lands on the sign-in page; a failed sign-in shows the problem', async () => {
    await page.goto(BASE + '/videos/1')
    await page.waitForURL(/\/signin\?next=%2Fvideos%2F1$/)
    await page.getByRole('heading', { name: 'Sign in to vms' }).waitFor()
    await capture(page, 'signin')
    await page.getByLabel('E-mail').fill('nobody@acme.example')
    await page.getByLabel('Password').fill('not the password')
    await page.getByRole('button', { name: 'Sign in' }).click()
    const alert = page.getByRole('alert')
    await alert.waitFor()
    const text = await alert.textContent()
    expect(/Unauthorized/.test(text) && /invalid e-mail or password/.test(text), `the 401 problem is shown: ${text}`)
    expect(/Request id [0-9a-f]+/.test(text), 'the request id is shown')
  })

  await step('sign up a FREE corporation; its admin is signed in on an empty library', async () => {
    await page.getByRole('link', { name: 'Sign up your corporation' }).click()
    await page.getByRole('heading', { name: 'Sign up your corporation' }).waitFor()
    await capture(page, 'signup')
    await page.getByLabel('Corporation name').fill(CORP)
    await page.getByLabel('Free').check()
    await page.getByLabel('Admin e-mail').fill(ADMIN.email)
    await page.getByLabel('Admin password').fill(ADMIN.password)
    await page.getByRole('button', { name: 'Sign up' }).click()
    await page.getByRole('heading', { name: 'Library' }).waitFor()
    await page.getByText('No videos yet').waitFor()
    expect((await page.getByTestId('points').textContent()) === '0 points', 'the balance starts at 0')
    await capture(page, 'library-empty')
  })

  await step('the refresh token is an HttpOnly cookie no script can read; no token is stored', async () => {
    const cookies = await desk.cookies(BASE + '/v1/auth/refresh')
    const c = cookies.find((x) => x.name === 'vms_refresh')
    expect(c && c.httpOnly && c.sameSite === 'Strict' && c.path === '/v1/auth', `cookie ${JSON.stringify(c)}`)
    const seen = await page.evaluate(() => ({ cookie: document.cookie, local: JSON.stringify(localStorage), session: JSON.stringify(sessionStorage) }))
    expect(!seen.cookie.includes('vms_refresh'), 'document.cookie shows no refresh token')
    expect(!/eyJ[\w-]+\.[\w-]+/.test(seen.local + seen.session), 'no JWT in web storage')
  })

  await step('keyboard: the skip link comes first, the navigation works, focus is visible and moves to the new page', async () => {
    await page.reload()
    await page.getByRole('heading', { name: 'Library' }).waitFor()
    await page.keyboard.press('Tab')
    let f = await page.evaluate(() => ({ text: document.activeElement.textContent, top: document.activeElement.getBoundingClientRect().top }))
    expect(f.text === 'Skip to content' && f.top >= 0, `first Tab stop is the visible skip link: ${JSON.stringify(f)}`)
    await page.keyboard.press('Enter')
    expect(await page.evaluate(() => document.activeElement.id === 'main'), 'the skip link moves focus to main')
    await page.locator('.brand').focus()
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('Tab')
      f = await page.evaluate(() => ({ text: document.activeElement.textContent, outline: getComputedStyle(document.activeElement).outlineStyle }))
      if (f.text === 'Upload') break
    }
    expect(f.text === 'Upload' && f.outline !== 'none', `Tab reaches the Upload link with a visible outline: ${JSON.stringify(f)}`)
    await page.keyboard.press('Enter')
    await page.waitForURL(BASE + '/upload')
    await until("focus on the new page's heading", () => page.evaluate(() => document.activeElement.tagName + ' ' + document.activeElement.textContent === 'H1 Upload a video'), { timeout: 3000, every: 100 })
  })

  const cdp = await desk.newCDPSession(page)
  // A slow uplink (1 MB/s) keeps uploads in flight long enough to interrupt them.
  const throttle = (bps) => cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: bps })
  const progress = () => page.evaluate(() => Number(document.querySelector('#upload-progress')?.value ?? -1))

  await step('an upload interrupted by going offline resumes where the server stopped', async () => {
    await throttle(1_000_000)
    uploads.length = 0
    await page.getByLabel('Video file').setInputFiles(fixture('sunrise.mp4'))
    await page.getByLabel('Name').fill('Sunrise over the bay')
    await page.getByRole('button', { name: 'Upload', exact: true }).click()
    await until('30 % uploaded', async () => (await progress()) >= 30, { timeout: 30000, every: 100 })
    await desk.setOffline(true)
    await page.getByText('Connection lost').waitFor()
    const at = await progress()
    await shot(page, 'upload-offline')
    await sleep(1000)
    expect((await progress()) === at, 'no progress while offline')
    await desk.setOffline(false)
    await throttle(-1)
    await page.getByText(/Uploaded \(resumed at [\d.]+ [KM]B\)/).waitFor({ timeout: 60000 })
    const methods = uploads.map((u) => u.method)
    expect(methods.filter((m) => m === 'POST').length === 1, `one upload was created: ${methods}`)
    expect(methods.includes('HEAD') && methods.filter((m) => m === 'PATCH').length >= 2, `the upload was resumed (HEAD, then PATCH): ${methods}`)
    await capture(page, 'upload')
  })

  await step('an upload interrupted by a reload resumes when the same file is chosen again', async () => {
    await throttle(1_000_000)
    uploads.length = 0
    await page.getByLabel('Video file').setInputFiles(fixture('harbour.mp4'))
    await page.getByLabel('Name').fill('Harbour at night')
    await page.getByLabel('Public: every signed-in user').check()
    await page.getByRole('button', { name: 'Upload', exact: true }).click()
    await until('30 % uploaded', async () => (await progress()) >= 30, { timeout: 30000, every: 100 })
    await page.reload()
    await throttle(-1)
    const list = page.getByRole('list', { name: 'Unfinished uploads' })
    await list.waitFor()
    expect((await list.textContent()).includes('Harbour at night'), 'the unfinished upload is listed after the reload')
    await capture(page, 'upload-unfinished')
    await page.getByLabel('Video file').setInputFiles(fixture('harbour.mp4'))
    await until('the name comes back', async () => (await page.getByLabel('Name').inputValue()) === 'Harbour at night')
    expect(await page.getByLabel('Public: every signed-in user').isChecked(), 'the visibility comes back')
    await page.getByRole('button', { name: 'Upload', exact: true }).click()
    await page.getByText(/Uploaded \(resumed at [\d.]+ [KM]B\)/).waitFor({ timeout: 60000 })
    expect(uploads.filter((u) => u.method === 'POST').length === 1, 'no second upload was created')
    await page.getByText('No unfinished uploads').waitFor()
  })

  await step('a small upload without interruption', async () => {
    await page.getByLabel('Video file').setInputFiles(fixture('bars.mp4'))
    await page.getByLabel('Name').fill('Colour bars')
    await page.getByRole('button', { name: 'Upload', exact: true }).click()
    await page.getByText(/^Uploaded; it is processed/).waitFor({ timeout: 60000 })
  })

  const admin = await apiToken(ADMIN.email, ADMIN.password)
  await step('media processing makes posters and HLS renditions of the three uploads', async () => {
    const all = await until(
      'three ready videos with HLS',
      async () => {
        const vs = await api('GET', '/v1/videos', { token: admin })
        const ready = vs.filter((v) => v.media.status === 'ready' && v.media.hls_url && v.media.poster_url)
        if (vs.some((v) => v.media.status === 'failed')) throw new Error(`processing failed: ${JSON.stringify(vs.map((v) => v.media))}`)
        return ready.length === 3 ? vs : null
      },
      { timeout: 180000, every: 1000 },
    )
    ids = Object.fromEntries(all.map((v) => [v.name, v.id]))
  })

  await step('the library shows posters, names, durations, status and visibility; search narrows it', async () => {
    await page.getByRole('link', { name: 'Library' }).click()
    await page.getByRole('heading', { name: 'Library' }).waitFor()
    const cards = page.getByRole('list', { name: 'Videos' }).getByRole('listitem')
    await until('three cards', async () => (await cards.count()) === 3)
    await until('three posters drawn', () => page.evaluate(() => [...document.querySelectorAll('img.poster')].filter((i) => i.complete && i.naturalWidth > 0).length === 3))
    const text = await page.getByRole('list', { name: 'Videos' }).textContent()
    for (const s of ['Sunrise over the bay', 'Harbour at night', 'Colour bars', '0:16', '0:12', 'Ready', 'Public', 'Private']) {
      expect(text.includes(s), `the library shows ${s}`)
    }
    await capture(page, 'library')
    await readmeShot(page, 'library')
    await page.getByLabel('Search videos by name').fill('harb')
    await page.waitForURL(BASE + '/?q=harb')
    await until('one match', async () => (await cards.count()) === 1)
    expect((await cards.first().textContent()).includes('Harbour at night'), 'the match is the harbour')
    await page.getByLabel('Search videos by name').fill('nothing like it')
    await page.getByText('No video’s name contains “nothing like it”').waitFor()
    await page.getByLabel('Search videos by name').fill('')
    await page.waitForURL(BASE + '/')
  })

  const video = page.locator('video')
  const play = () => playIn(page)
  const timeAbove = (t) => page.waitForFunction((t) => document.querySelector('video').currentTime > t, t, { timeout: 30000 })
  const seekToMiddle = () =>
    page.evaluate(
      () =>
        new Promise((resolve, reject) => {
          const v = document.querySelector('video')
          const mid = v.duration / 2
          if (!Number.isFinite(mid)) reject(new Error(`duration ${v.duration}`))
          v.addEventListener('seeked', () => resolve({ mid, at: v.currentTime }), { once: true })
          setTimeout(() => reject(new Error('no seeked event within 15 s')), 15000)
          v.currentTime = mid
        }),
    )
  const checkPlayback = async (label) => {
    await play()
    await timeAbove(2)
    const s = await seekToMiddle()
    expect(Math.abs(s.at - s.mid) < 1, `${label}: the seek to ${s.mid.toFixed(2)} s landed at ${s.at.toFixed(2)} s`)
    await timeAbove(s.mid + 1)
    log(`   ${label}: played past 2 s, seeked to ${s.at.toFixed(2)} s of ${(s.mid * 2).toFixed(2)} s and played on`)
  }

  await step('watching over HLS: playback, a seek to the middle, and the first view credits points', async () => {
    const media = []
    const seen = (r) => media.push(r.url())
    desk.on('request', seen)
    await page.getByRole('link', { name: 'Sunrise over the bay' }).click()
    await page.getByRole('heading', { name: 'Sunrise over the bay' }).waitFor()
    expect(await page.getByLabel('Adaptive (HLS)').isChecked(), 'HLS is the default once renditions exist')
    await sleep(500)
    expect(!media.some((u) => u.includes('/hls/') && !u.includes('.m3u8')), 'no segment loads before play (it would count as a view)')
    expect((await page.getByTestId('points').textContent()) === '0 points', 'opening the page earns nothing')
    await checkPlayback('HLS')
    const src = await video.evaluate((v) => v.currentSrc)
    expect(src.startsWith('blob:'), `hls.js plays through Media Source Extensions: ${src}`)
    expect(media.some((u) => /\/hls\/\d+p?\/[^/?]+\.(m4s|ts)\?/.test(u)), 'segments came from the HLS renditions')
    await until('the balance to show the first view', async () => (await page.getByTestId('points').textContent()) === '10 points', { timeout: 15000 })
    await page.getByText('You earned 10 points for watching this video.').waitFor()
    await page.evaluate(() => document.querySelector('video').pause())
    await capture(page, 'watch')
    await readmeShot(page, 'watch')
    desk.off('request', seen)
  })

  await step('watching the original file: playback with ranges and a seek to the middle', async () => {
    const ranges = []
    const seen = (r) => {
      if (r.url().includes('/v1/videos/stream/')) ranges.push(r.status())
    }
    desk.on('response', seen)
    await page.getByLabel('Original file').check()
    await until('the original as the source', () => video.evaluate((v) => v.dataset.source === 'original'))
    await checkPlayback('original')
    const src = await video.evaluate((v) => v.currentSrc)
    expect(src.startsWith(`${BASE}/v1/videos/stream/${ids['Sunrise over the bay']}?token=`), `the original streams with a playback token: ${src}`)
    expect(ranges.includes(206), `range answers came back: ${ranges}`)
    expect((await page.getByTestId('points').textContent()) === '10 points', 'a second viewing earns nothing')
    desk.off('response', seen)
  })

  await step('analytics of the video (or its "not available" state on a server without the API)', async () => {
    await page.getByRole('link', { name: 'Analytics' }).click()
    await page.getByRole('heading', { name: /^Analytics/ }).waitFor()
    await until('an answer', async () => (await page.getByText('Loading…').count()) === 0)
    const body = await page.locator('main').textContent()
    expect(/Watch analytics is not available on this server|Viewers|Nobody has watched/.test(body), `analytics state: ${body}`)
    await capture(page, 'analytics')
  })

  await step('users: add a guest, reset their password, a duplicate shows the 409 problem; sessions of the admin', async () => {
    await page.getByRole('link', { name: 'Users' }).click()
    await page.getByRole('heading', { name: 'Users' }).waitFor()
    await page.getByText('Add a user').click()
    const add = async (email) => {
      await page.getByLabel('E-mail').fill(email)
      await page.getByLabel('Password', { exact: true }).fill(GUEST.password)
      await page.getByRole('button', { name: 'Add user' }).click()
    }
    await add(GUEST.email)
    await page.getByText(`Added ${GUEST.email}.`).waitFor()
    await page.getByRole('row', { name: new RegExp(GUEST.email) }).waitFor()
    await add(GUEST.email)
    const alert = page.getByRole('alert').filter({ hasText: 'The user could not be added' })
    await alert.waitFor()
    expect((await alert.textContent()).includes('Conflict'), 'the 409 problem is shown')
    await page.getByRole('button', { name: `Reset password of ${GUEST.email}` }).click()
    await page.getByLabel(`New password for ${GUEST.email}`).fill(GUEST.reset)
    await page.getByRole('button', { name: 'Set', exact: true }).click()
    await page.getByText('Password reset; their sessions ended.').waitFor()
    await capture(page, 'users')
    await page.getByRole('link', { name: `Sessions of ${ADMIN.email}` }).click()
    await page.getByRole('heading', { name: `Sessions of ${ADMIN.email}` }).waitFor()
    await until('active sessions listed', async () => (await page.getByText('Active').count()) >= 1)
    await capture(page, 'sessions')
  })

  await step('pagination: 21 more videos make a second library page', async () => {
    for (let i = 1; i <= 21; i++) {
      await api('POST', '/v1/videos', { token: admin, body: { name: `Clip ${String(i).padStart(2, '0')}`, file_path: `https://media.example.com/clip-${i}.mp4` } })
    }
    await page.getByRole('link', { name: 'Library' }).click()
    const cards = page.getByRole('list', { name: 'Videos' }).getByRole('listitem')
    await until('a full page', async () => (await cards.count()) === 20)
    await page.getByRole('button', { name: 'Next →' }).click()
    await until('the second page', async () => (await cards.count()) === 4)
    await page.getByText('Page 2').waitFor()
    await page.getByRole('button', { name: '← Previous' }).click()
    await until('back on the first page', async () => (await cards.count()) === 20)
  })

  await step('trash on the FREE plan: the video leaves the library, and the admin sees why it cannot be restored', async () => {
    await page.goto(`${BASE}/videos/${ids['Colour bars']}`)
    await page.getByRole('heading', { name: 'Colour bars' }).waitFor()
    await page.getByRole('button', { name: 'Delete' }).click()
    await page.getByRole('button', { name: 'Yes, delete' }).click()
    await page.waitForURL(BASE + '/')
    await page.getByRole('link', { name: 'Trash' }).click()
    const row = page.getByRole('list', { name: 'Deleted videos' }).getByRole('listitem')
    await row.first().waitFor()
    expect((await row.count()) === 1 && (await row.first().textContent()).includes('Colour bars'), 'the deleted video is in the trash')
    const restore = page.getByRole('button', { name: 'Restore Colour bars' })
    expect(await restore.isDisabled(), 'restore is unavailable on FREE')
    const why = await page.getByRole('note').textContent()
    expect(why.includes('Restoring needs the PAID plan') && why.includes(`${CORP} is on the FREE plan`), `the reason is given: ${why}`)
    expect((await restore.getAttribute('aria-describedby')) === 'restore-why', 'the button points at the reason')
    await capture(page, 'trash-free')
  })

  await step('corporation: change to the PAID plan (usage and quota, or their "not available" state)', async () => {
    await page.getByRole('link', { name: 'Corporation' }).click()
    await page.getByRole('heading', { name: CORP }).waitFor()
    await until('the usage panel to answer', async () => (await page.getByText(/Usage is not available on this server|Stored: /).count()) > 0)
    await page.getByLabel('Plan', { exact: true }).selectOption('PAID')
    const next = new Date(Date.now() + 365 * 86400000).toISOString().slice(0, 10)
    await page.getByLabel('Paid until').fill(next)
    await page.getByRole('button', { name: 'Save' }).click()
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor()
    await until('the PAID badge', async () => (await page.locator('.facts .badge').textContent()) === 'PAID')
    await capture(page, 'corporation')
  })

  await step('trash on the PAID plan: restore brings the video back', async () => {
    await page.getByRole('link', { name: 'Trash' }).click()
    const restore = page.getByRole('button', { name: 'Restore Colour bars' })
    await restore.waitFor()
    expect(!(await restore.isDisabled()) && (await page.getByRole('note').count()) === 0, 'restore is offered without a warning')
    await restore.click()
    await page.getByText('Restored “Colour bars”.').waitFor()
    await page.getByText('The trash is empty').waitFor()
    await capture(page, 'trash')
    expect((await api('GET', `/v1/videos/id/${ids['Colour bars']}`, { token: admin })).deleted === false, 'the video is live again')
  })

  await step('API keys and webhooks (or their "not available" states)', async () => {
    for (const [link, heading, name, missing] of [
      ['API keys', 'API keys', 'api-keys', 'API keys is not available on this server'],
      ['Webhooks', 'Webhooks', 'webhooks', 'Webhooks is not available on this server'],
    ]) {
      await page.getByRole('link', { name: link }).click()
      await page.getByRole('heading', { name: heading, exact: true }).waitFor()
      await until('an answer', async () => (await page.getByText('Loading…').count()) === 0)
      const body = await page.locator('main').textContent()
      expect(body.includes(missing) || /Create a key|Add a webhook/.test(body), `${name}: ${body}`)
      await capture(page, name)
    }
  })

  await step('account, and a page that does not exist', async () => {
    await page.getByRole('link', { name: 'Account' }).click()
    await page.getByRole('heading', { name: 'Your account' }).waitFor()
    await capture(page, 'account')
    await page.goto(BASE + '/no/such/page')
    await page.getByRole('heading', { name: 'Page not found' }).waitFor()
    await capture(page, 'notfound')
  })

  await step('the session survives a reload; signing out ends it, also after a reload', async () => {
    await page.goto(BASE + '/corporation')
    await page.getByRole('heading', { name: CORP }).waitFor()
    expect(await page.getByText(ADMIN.email).isVisible(), 'still signed in after a full page load')
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL(BASE + '/signin')
    expect(!(await desk.cookies(BASE + '/v1/auth/refresh')).some((c) => c.name === 'vms_refresh'), 'the cookie is gone')
    await page.reload()
    await page.getByRole('heading', { name: 'Sign in to vms' }).waitFor()
    await page.goto(BASE + '/users')
    await page.waitForURL(/\/signin\?next=%2Fusers$/)
    await page.getByLabel('E-mail').fill(ADMIN.email)
    await page.getByLabel('Password').fill(ADMIN.password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.waitForURL(BASE + '/users')
    await page.getByRole('heading', { name: 'Users' }).waitFor()
  })

  const phone = await newContext(browser, WIDTHS.mobile, 'mobile')
  const mob = await phone.newPage()
  await step('390 px: a guest signs in, finds the menu, watches a video and earns points', async () => {
    await mob.goto(BASE + '/')
    await mob.getByLabel('E-mail').fill(GUEST.email)
    await mob.getByLabel('Password').fill(GUEST.reset)
    await mob.getByRole('button', { name: 'Sign in' }).click()
    await mob.getByRole('heading', { name: 'Library' }).waitFor()
    const nav = mob.getByRole('navigation', { name: 'Main' })
    expect(!(await nav.isVisible()), 'the navigation is folded at 390 px')
    const menu = mob.getByRole('button', { name: 'Menu' })
    await menu.focus()
    await mob.keyboard.press('Enter')
    expect((await menu.getAttribute('aria-expanded')) === 'true' && (await nav.isVisible()), 'Enter opens the menu')
    const items = await nav.getByRole('link').allTextContents()
    expect(items.join() === 'Library,Corporation,Account', `a guest's menu has no admin pages: ${items}`)
    await capture(mob, 'library-menu')
    await mob.keyboard.press('Enter')
    await mob.getByRole('link', { name: 'Harbour at night' }).click()
    await mob.getByRole('heading', { name: 'Harbour at night' }).waitFor()
    expect((await mob.getByRole('heading', { name: 'Manage' }).count()) === 0, 'a guest cannot manage videos')
    await playIn(mob)
    await mob.waitForFunction(() => document.querySelector('video').currentTime > 2, null, { timeout: 30000 })
    await until('the guest balance', async () => (await mob.getByTestId('points').textContent()) === '10 points', { timeout: 15000 })
    await mob.goto(BASE + '/users')
    await mob.getByText('This page is for admins of the corporation.').waitFor()
  })

  await step('screens of APIs this server may not have yet, against answers of the specification\'s shapes (§11, §12)', async () => {
    // Only a route the server answers "no such route" is answered here; once the API
    // exists, its real answers pass through.
    const now = Date.now()
    const iso = (ms) => new Date(ms).toISOString()
    const key = { id: 1, corporation_id: 1, name: 'CI uploads', prefix: 'vms_k3xq7mzd', scopes: ['videos:read', 'videos:write'], created_at: iso(now - 86400000), last_used_at: iso(now - 3600000), expires_at: null, revoked_at: null }
    const hook = { id: 1, url: 'https://hooks.example.com/vms', events: ['video.ready', 'view.first'], description: 'Publishing pipeline', enabled: true, created_at: iso(now - 86400000) }
    const answers = [
      [/\/v1\/corporations\/\d+\/usage/, 'GET', { quota_bytes: 10e9, used_bytes: 13.4e6, days: [0, 1, 2].map((d) => ({ date: iso(now - d * 86400000).slice(0, 10), stored_bytes: 13.4e6 - d * 6e6, egress_bytes: 2.1e7 / (d + 1), first_views: 3 - d, uploads: d === 0 ? 3 : 0 })) }],
      [/\/v1\/videos\/\d+\/analytics/, 'GET', { unique_viewers: 2, total_watch_seconds: 28.5, median_watch_seconds: 14.2, completion_rate: 0.5, retention: Array.from({ length: 20 }, (_, i) => (i < 10 ? 1 : 0.5)) }],
      [/\/v1\/api-keys(\?|$)/, 'GET', [key, { ...key, id: 2, name: 'Old script', prefix: 'vms_a1b2c3d4', revoked_at: iso(now - 7200000) }]],
      [/\/v1\/api-keys$/, 'POST', { ...key, id: 3, name: 'Nightly report', key: 'vms_' + 'x'.repeat(64) }, 201],
      [/\/v1\/webhooks(\?|$)/, 'GET', [hook]],
      [/\/v1\/webhooks$/, 'POST', { ...hook, id: 2, secret: 'whsec_' + 'A'.repeat(43) + '=' }, 201],
      [/\/v1\/webhooks\/1$/, 'GET', hook],
      [/\/v1\/webhooks\/1\/deliveries/, 'GET', [
        { id: 2, event_id: 'evt_2', type: 'view.first', status: 'failed', http_status: 500, duration_ms: 212, error: 'the endpoint answered 500', attempt: 2, next_attempt_at: iso(now + 600000) },
        { id: 1, event_id: 'evt_1', type: 'video.ready', status: 'delivered', http_status: 200, duration_ms: 41, error: null, attempt: 1, next_attempt_at: null },
      ]],
    ]
    // On a server that has the APIs, the data comes from the server itself: a key and an
    // endpoint named as in the answers above, and a test event for its deliveries.
    const admin = await apiToken(ADMIN.email, ADMIN.password)
    const missing = (e) => /: 404 /.test(e.message)
    let hookId = hook.id
    try {
      await api('POST', '/v1/api-keys', { token: admin, body: { name: key.name, scopes: key.scopes } })
    } catch (e) {
      if (!missing(e)) throw e
    }
    try {
      const h = await api('POST', '/v1/webhooks', { token: admin, body: { url: hook.url, events: hook.events, description: hook.description } })
      hookId = h.id
      await api('POST', `/v1/webhooks/${h.id}/test`, { token: admin })
    } catch (e) {
      if (!missing(e)) throw e
    }
    const mocked = new Set()
    for (const [name, size] of [['mocked APIs', WIDTHS.desktop], ['mocked APIs', WIDTHS.mobile]]) {
      const ctx = await newContext(browser, size, name)
      await ctx.route(/\/v1\/(corporations\/\d+\/usage|videos\/\d+\/analytics|api-keys|webhooks)/, async (route) => {
        const req = route.request()
        const real = await route.fetch()
        const body = await real.text()
        const answer = answers.find(([re, method]) => method === req.method() && re.test(new URL(req.url()).pathname + new URL(req.url()).search))
        if (real.status() === 404 && body.includes('"no such route"') && answer) {
          mocked.add(`${req.method()} ${new URL(req.url()).pathname}`)
          return route.fulfill({ status: answer[3] ?? 200, contentType: 'application/json', body: JSON.stringify(answer[2]) })
        }
        return route.fulfill({ response: real })
      })
      const p = await ctx.newPage()
      await p.goto(BASE + '/signin')
      await p.getByLabel('E-mail').fill(ADMIN.email)
      await p.getByLabel('Password').fill(ADMIN.password)
      await p.getByRole('button', { name: 'Sign in' }).click()
      await p.getByRole('heading', { name: 'Library' }).waitFor()
      await p.goto(BASE + '/corporation')
      await p.getByText(/^Stored: /).waitFor()
      await capture(p, 'corporation-usage')
      await p.goto(`${BASE}/videos/${ids['Sunrise over the bay']}/analytics`)
      await p.getByText('Watched to the end').waitFor()
      await capture(p, 'analytics-data')
      await p.goto(BASE + '/api-keys')
      await p.getByRole('row', { name: /CI uploads/ }).waitFor()
      await p.getByText('Create a key').click()
      await p.getByLabel('Name').fill('Nightly report')
      await p.getByLabel('videos:read').check()
      await p.getByRole('button', { name: 'Create key' }).click()
      await p.locator('.secret-value').waitFor()
      await capture(p, 'api-keys-data')
      await p.goto(BASE + '/webhooks')
      await p.getByText('Publishing pipeline').waitFor()
      await p.getByText('Add a webhook').click()
      await p.getByLabel('URL').fill('https://hooks.example.com/other')
      await p.getByRole('button', { name: 'Add webhook' }).click()
      await p.locator('.secret-value').waitFor()
      await capture(p, 'webhooks-data')
      await p.goto(`${BASE}/webhooks/${hookId}`)
      await p.getByRole('row', { name: /view\.first|webhook\.test/ }).first().waitFor()
      await capture(p, 'webhook-deliveries')
      await ctx.close()
    }
    log(`   answered in the browser: ${[...mocked].sort().join(', ') || 'nothing (the server has every API)'}`)
  })

  await step('every screen at 390 and 1440 px: screenshot and axe-core', async () => {
    // The admin at 390 px in a session of its own (a second sign-in).
    const small = await (await newContext(browser, WIDTHS.mobile, 'mobile admin')).newPage()
    await small.goto(BASE + '/signin')
    await small.getByLabel('E-mail').fill(ADMIN.email)
    await small.getByLabel('Password').fill(ADMIN.password)
    await small.getByRole('button', { name: 'Sign in' }).click()
    await small.getByRole('heading', { name: 'Library' }).waitFor()
    const id = ids['Sunrise over the bay']
    const tour = [
      ['library', '/', 'Library'],
      ['upload', '/upload', 'Upload a video'],
      ['watch', `/videos/${id}`, 'Sunrise over the bay'],
      ['analytics', `/videos/${id}/analytics`, /^Analytics/],
      ['trash', '/trash', 'Trash'],
      ['users', '/users', 'Users'],
      ['sessions', `/users/${(await api('GET', '/v1/auth/me', { token: admin })).id}/sessions`, /^Sessions of/],
      ['corporation', '/corporation', CORP],
      ['api-keys', '/api-keys', 'API keys'],
      ['webhooks', '/webhooks', 'Webhooks'],
      ['account', '/account', 'Your account'],
      ['notfound', '/nothing-here', 'Page not found'],
    ]
    for (const p of [small, page]) {
      for (const [name, path, heading] of tour) {
        await p.goto(BASE + path)
        await p.getByRole('heading', { name: heading, exact: typeof heading === 'string' }).first().waitFor()
        await until('loaded', async () => (await p.getByText('Loading…').count()) === 0)
        if (name === 'library') await until('posters', () => p.evaluate(() => [...document.querySelectorAll('img.poster')].every((i) => i.complete)))
        await capture(p, name)
      }
    }
    const anon = await (await newContext(browser, WIDTHS.mobile, 'anonymous')).newPage()
    for (const [name, path, heading] of [
      ['signin', '/signin', 'Sign in to vms'],
      ['signup', '/signup', 'Sign up your corporation'],
    ]) {
      await anon.goto(BASE + path)
      await anon.getByRole('heading', { name: heading }).waitFor()
      await capture(anon, name)
    }
    // A taken name: the 409 problem at 390 px.
    await anon.getByLabel('Corporation name').fill(CORP)
    await anon.getByLabel('Admin e-mail').fill('someone@else.example')
    await anon.getByLabel('Admin password').fill('long enough')
    await anon.getByRole('button', { name: 'Sign up' }).click()
    await anon.getByRole('alert').filter({ hasText: 'Conflict' }).waitFor()
    await capture(anon, 'signup-conflict')
    const missing = []
    for (const w of [390, 1440]) {
      for (const n of ['signin', 'signup', ...tour.map((t) => t[0])]) if (!screens.has(`${w}/${n}`)) missing.push(`${w}/${n}`)
    }
    expect(missing.length === 0, `screenshots missing: ${missing}`)
    await axe(page, 'final desktop page')
  })
}
