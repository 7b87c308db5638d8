// Records in dist/.sources.sha256 which sources the build was made from: one SHA-256 over
// a listing of every source file's SHA-256 and path. app/console/console_test.go computes
// the same over the checked-out sources and fails when they differ, so a change to the
// console that was not rebuilt (make console) and committed is caught.
//
//   node scripts/stamp.mjs [out-dir]      # writes <out-dir>/.sources.sha256 (default dist)
//   node scripts/stamp.mjs --print        # prints the hash only
//
// The sources are every file under app/console except dist/, node_modules/, tests/,
// test-output/, names starting with a dot and Go files. Keep this rule in step with the Go
// test.
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const skipTop = new Set(['dist', 'node_modules', 'tests', 'test-output'])

function walk(dir, out) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue
    const full = join(dir, e.name)
    const rel = relative(root, full).split(sep).join('/')
    if (!rel.includes('/') && skipTop.has(e.name)) continue
    if (e.isDirectory()) walk(full, out)
    else if (e.isFile() && !e.name.endsWith('.go')) out.push(rel)
  }
  return out
}

export function sourcesHash() {
  const files = walk(root, []).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const listing = files.map((f) => `${createHash('sha256').update(readFileSync(join(root, f))).digest('hex')}  ${f}\n`).join('')
  return createHash('sha256').update(listing).digest('hex')
}

const arg = process.argv[2]
if (arg === '--print') {
  console.log(sourcesHash())
} else {
  const out = arg ?? join(root, 'dist')
  writeFileSync(join(out, '.sources.sha256'), `${sourcesHash()}\n`)
}
