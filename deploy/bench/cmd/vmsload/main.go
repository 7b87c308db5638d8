// Command vmsload drives the loads of the benchmark scripts in deploy/bench that wrk cannot
// express: first views by many users, latency percentiles of one route, a login storm,
// many slow stream readers, the media processing time of uploads, and the throughput of
// one upload through tus or multipart with the server's RSS meanwhile; it prints the
// server's HLS transcode arguments for the direct references, and receives webhooks. Every mode is bounded
// (by -duration, or -n and -timeout) and prints one summary line.
package main

import (
	"fmt"
	"os"
)

const usage = `usage: vmsload MODE [flags]
modes:
  firstviews  distinct (user, video) first views through POST /v1/view-logs or GET stream
  latency     closed-loop GETs of one URL; prints p50/p90/p99
  logins      concurrent POST /v1/auth/login with one account
  slowread    many clients each reading a stream slowly; samples a process's RSS and fds
  media       uploads a video n times and times each from its 201 to media.status ready
  tus         uploads a file through /v1/uploads (tus 1.0) in PATCH chunks; bytes/s and server RSS
  multipart   uploads the same way through POST /v1/videos (multipart, streamed from disk)
  hlsargs     print the server's ffmpeg arguments of a file's HLS transcode, one per line
  mint        print an access token for one user (HS256 with the server's JWT_SECRET)
  receive     a webhook receiver: 204 to every POST, counts on GET /stats`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	}
	modes := map[string]func([]string) error{
		"firstviews": runFirstViews,
		"latency":    runLatency,
		"logins":     runLogins,
		"slowread":   runSlowRead,
		"media":      runMedia,
		"tus":        runTUS,
		"multipart":  runMultipart,
		"hlsargs":    runHLSArgs,
		"mint":       runMint,
		"receive":    runReceive,
	}
	run, ok := modes[os.Args[1]]
	if !ok {
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	}
	if err := run(os.Args[2:]); err != nil {
		fmt.Fprintln(os.Stderr, "vmsload:", err)
		os.Exit(1)
	}
}
