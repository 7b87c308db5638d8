#!/usr/bin/env node
// Uploads a file to vms with tus-js-client (the official tus client, pinned in
// package.json), in 5 MiB chunks, resuming an upload an earlier run left unfinished.
//
//   VMS_TOKEN=<access token or API key> node deploy/tus/upload.mjs \
//     http://127.0.0.1:8080/v1/uploads video.mp4 [--store urls.json] [--name NAME] [--type MIME]
//
// The upload's URL is kept in the --store file (default .tus-uploads.json in the current
// folder) under the file's fingerprint (path, size, modification time, endpoint), so a new
// process given the same file asks the server for its offset and sends only the rest.
//
// Standard output, one line per event:
//   resuming <url>        an earlier run's upload was found in the store
//   upload-url <url>      the upload's URL (created, or confirmed by the server)
//   resumed-from <n>      the server already had n bytes of it
//   chunk <n> <length>    the server acknowledged the bytes up to offset n
//   video-id <id>         the upload is complete and became this video (Video-Id header)
// Exit status: 0 done, 1 the upload failed (the reason on standard error), 2 bad usage.
import { createReadStream, statSync } from 'node:fs'
import { basename, extname } from 'node:path'
import { parseArgs } from 'node:util'
import * as tus from 'tus-js-client'

const usage =
  'usage: VMS_TOKEN=<token> node upload.mjs <endpoint> <file> [--store PATH] [--name NAME] [--type MIME] [--chunk-size BYTES]'

const videoTypes = {
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.mov': 'video/quicktime',
  '.webm': 'video/webm',
  '.mkv': 'video/x-matroska',
  '.avi': 'video/x-msvideo',
}

function fail(status, message) {
  process.stderr.write(`upload: ${message}\n`)
  process.exit(status)
}

function say(...words) {
  process.stdout.write(`${words.join(' ')}\n`)
}

let args
try {
  args = parseArgs({
    allowPositionals: true,
    options: {
      store: { type: 'string', default: '.tus-uploads.json' },
      name: { type: 'string' },
      type: { type: 'string' },
      'chunk-size': { type: 'string', default: String(5 * 1024 * 1024) },
    },
  })
} catch (err) {
  fail(2, `${err.message}\n${usage}`)
}
const [endpoint, path] = args.positionals
if (args.positionals.length !== 2) fail(2, usage)
const token = process.env.VMS_TOKEN
if (!token) fail(2, `VMS_TOKEN is not set\n${usage}`)
const chunkSize = Number(args.values['chunk-size'])
if (!Number.isSafeInteger(chunkSize) || chunkSize <= 0) fail(2, `--chunk-size must be a positive number of bytes`)

let size
try {
  size = statSync(path).size
} catch (err) {
  fail(2, `cannot read ${path}: ${err.message}`)
}
const metadata = { name: args.values.name ?? basename(path) }
const filetype = args.values.type ?? videoTypes[extname(path).toLowerCase()]
if (filetype) metadata.filetype = filetype

const upload = new tus.Upload(createReadStream(path), {
  endpoint,
  uploadSize: size,
  chunkSize,
  metadata,
  headers: { Authorization: `Bearer ${token}` },
  urlStorage: new tus.FileUrlStorage(args.values.store),
  removeFingerprintOnSuccess: true,
  retryDelays: [0, 1000, 3000, 5000],
  onUploadUrlAvailable() {
    say('upload-url', upload.url)
  },
  onAfterResponse(req, res) {
    if (req.getMethod() === 'HEAD' && res.getStatus() === 200) {
      say('resumed-from', res.getHeader('Upload-Offset'))
    }
  },
  onChunkComplete(_chunk, accepted, total) {
    say('chunk', accepted, total)
  },
  onSuccess({ lastResponse }) {
    const videoID = lastResponse.getHeader('Video-Id')
    if (!videoID) fail(1, `the upload completed but the response named no video (status ${lastResponse.getStatus()})`)
    say('video-id', videoID)
    // No process.exit here: the client is still removing the upload from the store.
  },
  onError(err) {
    fail(1, err.message)
  },
})

try {
  const previous = await upload.findPreviousUploads()
  if (previous.length > 0) {
    previous.sort((a, b) => Date.parse(b.creationTime) - Date.parse(a.creationTime))
    say('resuming', previous[0].uploadUrl)
    upload.resumeFromPreviousUpload(previous[0])
  }
} catch (err) {
  fail(1, `cannot read the upload store ${args.values.store}: ${err.message}`)
}
upload.start()
