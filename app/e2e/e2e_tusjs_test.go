package e2e

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"vms/app/apptest"
)

// tusJSHowTo tells how to run the test with the real tus client.
const tusJSHowTo = "install Node.js 20 and run `npm ci --no-audit --no-fund` in deploy/tus (CI does it in .ci/run)"

const (
	// tusJSFileSize is the size of the uploaded file: 13 chunks of tusJSChunk, the last short.
	tusJSFileSize = 64 << 20
	// tusJSChunk is the chunkSize deploy/tus/upload.mjs uses.
	tusJSChunk = 5 << 20
	// tusJSKillAfter is how many acknowledged chunks the first client reports before it is
	// killed.
	tusJSKillAfter = 3
)

// tusJSStorage is a video storage TestTusJSClientKillAndResume runs against: the settings
// that select it, made once per storage for both database backends.
type tusJSStorage struct {
	name string
	env  func(t *testing.T) map[string]string
}

// tusJSStorages are the storages the real client uploads to, one entry each: a local
// folder, and S3 on a real server (versitygw, as in TestVideoRealS3; without
// VMS_TEST_VERSITYGW that case is skipped, or fails when CI=true).
var tusJSStorages = []tusJSStorage{
	{name: "local", env: func(*testing.T) map[string]string { return nil }},
	{name: "s3", env: func(t *testing.T) map[string]string {
		return map[string]string{"STORAGE_URL": startVersitygw(t).bucket(t, "tusjs")}
	}},
}

// TestTusJSClientKillAndResume uploads a 64 MiB video with the official tus client,
// tus-js-client on Node (deploy/tus/upload.mjs), in 5 MiB chunks; the client is killed
// with SIGKILL after three acknowledged chunks, the server holds a partial upload, and a
// new client process finds the upload's URL in the store the first one left and resumes
// from the server's offset, not from 0. The upload becomes a video whose streamed bytes
// are the source's, and GET /v1/uploads/{id} names it.
func TestTusJSClientKillAndResume(t *testing.T) {
	client := findTusJSClient(t)
	src, sum := tusJSVideoFile(t)
	for _, st := range tusJSStorages {
		t.Run(st.name, func(t *testing.T) {
			env := map[string]string{"MEDIA_PROCESSING": "off"}
			maps.Copy(env, st.env(t))
			apptest.Each(t, env, func(t *testing.T, a *apptest.App) {
				tusJSKillAndResume(t, a, client, src, sum)
			})
		})
	}
}

func tusJSKillAndResume(t *testing.T, a *apptest.App, client tusJSClient, src string, sum [sha256.Size]byte) {
	acme := newVideoTenant(t, a, "acme", "FREE", nil)
	store := filepath.Join(t.TempDir(), "tus-uploads.json")
	endpoint := a.BaseURL + "/v1/uploads"

	// First run: killed once three chunks are acknowledged.
	began := time.Now()
	first := client.start(t, acme.adminToken, endpoint, src, store)
	var url string
	chunks := 0
	for chunks < tusJSKillAfter {
		word, arg := first.next(t)
		switch word {
		case "upload-url":
			url = arg
		case "chunk":
			chunks++
			if want := fmt.Sprintf("%d %d", chunks*tusJSChunk, tusJSFileSize); arg != want {
				t.Fatalf("first client: chunk %q, want %q", arg, want)
			}
		case "video-id":
			t.Fatalf("first client finished before it was killed:\n%s", first.output())
		case "resuming", "resumed-from":
			t.Fatalf("first client resumed from an empty store:\n%s", first.output())
		}
	}
	first.kill(t)
	if url == "" || !strings.HasPrefix(url, endpoint+"/") {
		t.Fatalf("first client: upload URL %q, want one under %s", url, endpoint)
	}
	id := url[strings.LastIndexByte(url, '/')+1:]

	// The server kept what arrived: at least the acknowledged chunks, not the whole file.
	// Bytes the dead client had already sent may still land after this (the kernel
	// delivers what its socket buffer held), so the offset can only grow from here.
	head := a.Do(http.MethodHead, "/v1/uploads/"+id, nil, acme.adminToken, "Tus-Resumable: 1.0.0").Expect(t, http.StatusOK)
	offset, err := strconv.ParseInt(head.Header.Get("Upload-Offset"), 10, 64)
	if err != nil || offset < tusJSKillAfter*tusJSChunk || offset >= tusJSFileSize {
		t.Fatalf("after the kill: Upload-Offset %q, want from %d to below %d", head.Header.Get("Upload-Offset"), tusJSKillAfter*tusJSChunk, tusJSFileSize)
	}
	var state uploadState
	a.Do(http.MethodGet, "/v1/uploads/"+id, nil, acme.adminToken).Expect(t, http.StatusOK).JSON(t, &state)
	if state.Offset < offset || state.Offset >= tusJSFileSize || state.Length != tusJSFileSize || state.VideoID != nil {
		t.Fatalf("after the kill: upload %+v, want an offset from %d to below %d and no video", state, offset, tusJSFileSize)
	}
	t.Logf("the first client was killed after %d acknowledged chunks (%s); the server holds %d of %d bytes",
		tusJSKillAfter, time.Since(began).Round(time.Millisecond), offset, tusJSFileSize)

	// Second run: resumes the same upload from the server's offset and completes it.
	began = time.Now()
	second := client.start(t, acme.adminToken, endpoint, src, store)
	var videoID int64
	resumedFrom := int64(-1)
	for videoID == 0 {
		word, arg := second.next(t)
		switch word {
		case "resuming", "upload-url":
			if arg != url {
				t.Fatalf("second client: %s %q, want the first client's upload %q", word, arg, url)
			}
		case "resumed-from":
			resumedFrom, err = strconv.ParseInt(arg, 10, 64)
			if err != nil || resumedFrom < offset || resumedFrom >= tusJSFileSize {
				t.Fatalf("second client resumed from %q, want the server's offset: from %d to below %d", arg, offset, tusJSFileSize)
			}
		case "chunk":
			acked, _, _ := strings.Cut(arg, " ")
			n, err := strconv.ParseInt(acked, 10, 64)
			if resumedFrom < 0 || err != nil || n <= resumedFrom {
				t.Fatalf("second client: chunk %q before resuming from the server's offset\n%s", arg, second.output())
			}
		case "video-id":
			videoID, err = strconv.ParseInt(arg, 10, 64)
			if err != nil || videoID <= 0 {
				t.Fatalf("second client: video id %q", arg)
			}
		}
	}
	second.wait(t)
	t.Logf("the second client resumed from %d and completed the upload as video %d (%s)", resumedFrom, videoID, time.Since(began).Round(time.Millisecond))

	a.Do(http.MethodGet, "/v1/uploads/"+id, nil, acme.adminToken).Expect(t, http.StatusOK).JSON(t, &state)
	if state.VideoID == nil || *state.VideoID != videoID || state.Offset != tusJSFileSize {
		t.Fatalf("after completion: upload %+v, want video %d and offset %d", state, videoID, tusJSFileSize)
	}
	body := a.Do(http.MethodGet, "/v1/videos/stream/"+strconv.FormatInt(videoID, 10), nil, acme.adminToken).Expect(t, http.StatusOK)
	if ct := body.Header.Get("Content-Type"); ct != "video/mp4" {
		t.Fatalf("stream Content-Type %q, want video/mp4", ct)
	}
	if len(body.Body) != tusJSFileSize || sha256.Sum256(body.Body) != sum {
		t.Fatalf("streamed %d bytes that differ from the %d uploaded", len(body.Body), tusJSFileSize)
	}

	// The client forgets a finished upload.
	var stored map[string]json.RawMessage
	if raw, err := os.ReadFile(store); err != nil || json.Unmarshal(raw, &stored) != nil || len(stored) != 0 {
		t.Fatalf("the client's store after completion: %s (%v)", raw, err)
	}
}

// tusJSClient runs deploy/tus/upload.mjs with node.
type tusJSClient struct {
	node, script string
}

// findTusJSClient finds node and the installed client. Without them the test is skipped,
// or fails when CI=true.
func findTusJSClient(t *testing.T) tusJSClient {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "deploy", "tus"))
	if err != nil {
		t.Fatal(err)
	}
	missing := func(what string) {
		t.Helper()
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s but CI=true: the tus-js-client test must run; %s", what, tusJSHowTo)
		}
		t.Skipf("tus-js-client test skipped: %s; %s", what, tusJSHowTo)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("node is not on PATH")
	}
	var manifest, installed struct {
		Version      string            `json:"version"`
		Dependencies map[string]string `json:"dependencies"`
	}
	raw, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err != nil || json.Unmarshal(raw, &manifest) != nil || manifest.Dependencies["tus-js-client"] == "" {
		t.Fatalf("deploy/tus/package.json does not pin tus-js-client: %v", err)
	}
	raw, err = os.ReadFile(filepath.Join(dir, "node_modules", "tus-js-client", "package.json"))
	if errors.Is(err, os.ErrNotExist) {
		missing("deploy/tus/node_modules has no tus-js-client")
	}
	if err != nil || json.Unmarshal(raw, &installed) != nil {
		t.Fatalf("deploy/tus/node_modules/tus-js-client/package.json: %v", err)
	}
	if installed.Version != manifest.Dependencies["tus-js-client"] {
		t.Fatalf("deploy/tus/node_modules holds tus-js-client %s, package.json pins %s: run `npm ci` in deploy/tus",
			installed.Version, manifest.Dependencies["tus-js-client"])
	}
	return tusJSClient{node: node, script: filepath.Join(dir, "upload.mjs")}
}

// tusJSVideoFile writes a file of tusJSFileSize bytes the server takes for an MP4 video:
// the sample clip followed by a top-level free box (an MP4 box players skip) of random
// bytes. It returns the file's path and SHA-256.
func tusJSVideoFile(t *testing.T) (string, [sha256.Size]byte) {
	t.Helper()
	sample := videoSample(t)
	path := filepath.Join(t.TempDir(), "killed-and-resumed.mp4")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	w := bufio.NewWriterSize(io.MultiWriter(f, h), 1<<20)
	box := make([]byte, 8)
	binary.BigEndian.PutUint32(box, uint32(tusJSFileSize-len(sample)))
	copy(box[4:], "free")
	_, _ = w.Write(sample)
	_, _ = w.Write(box)
	random := rand.NewChaCha8([32]byte{'v', 'm', 's'})
	if _, err := io.CopyN(w, random, int64(tusJSFileSize-len(sample)-len(box))); err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(w.Flush(), f.Close()); err != nil {
		t.Fatal(err)
	}
	return path, [sha256.Size]byte(h.Sum(nil))
}

// tusJSRun is a running client: its standard output, line by line, and its exit.
type tusJSRun struct {
	cmd    *exec.Cmd
	lines  chan string
	exited chan struct{}
	err    error // the exit, once exited is closed
	out    syncBuffer
	stderr syncBuffer
}

// tusJSRunTimeout bounds one client run.
const tusJSRunTimeout = 2 * time.Minute

// start runs the client on file with the token, keeping upload URLs in store.
func (c tusJSClient) start(t *testing.T, token, endpoint, file, store string) *tusJSRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), tusJSRunTimeout)
	cmd := exec.CommandContext(ctx, c.node, c.script, endpoint, file, "--store", store, "--name", "Killed and resumed")
	cmd.Env = append(os.Environ(), "VMS_TOKEN="+token)
	r := &tusJSRun{cmd: cmd, lines: make(chan string, 64), exited: make(chan struct{})}
	cmd.Stderr = &r.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("start %s %s: %v", c.node, c.script, err)
	}
	var read sync.WaitGroup
	read.Add(1)
	go func() {
		defer read.Done()
		defer close(r.lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			_, _ = r.out.Write([]byte(sc.Text() + "\n"))
			r.lines <- sc.Text()
		}
	}()
	go func() {
		read.Wait()
		r.err = cmd.Wait()
		cancel()
		close(r.exited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		r.drain()
	})
	return r
}

// next returns the next line the client printed, as its first word and the rest. It fails
// the test when the client exits first or stays silent too long.
func (r *tusJSRun) next(t *testing.T) (word, arg string) {
	t.Helper()
	select {
	case line, ok := <-r.lines:
		if !ok {
			<-r.exited
			t.Fatalf("the client exited (%v) before finishing:\n%s", r.err, r.output())
		}
		word, arg, _ = strings.Cut(line, " ")
		return word, arg
	case <-time.After(tusJSRunTimeout):
		t.Fatalf("the client printed nothing for %s:\n%s", tusJSRunTimeout, r.output())
		return "", ""
	}
}

// kill sends SIGKILL and waits for the process to end.
func (r *tusJSRun) kill(t *testing.T) {
	t.Helper()
	if err := r.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("kill the client: %v", err)
	}
	r.drain()
	var exit *exec.ExitError
	if !errors.As(r.err, &exit) {
		t.Fatalf("the client did not die of SIGKILL: %v\n%s", r.err, r.output())
	}
	if ws, ok := exit.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the client did not die of SIGKILL: %v\n%s", r.err, r.output())
	}
}

// wait waits for the client to exit and fails the test unless it succeeded.
func (r *tusJSRun) wait(t *testing.T) {
	t.Helper()
	r.drain()
	if r.err != nil {
		t.Fatalf("the client failed: %v\n%s", r.err, r.output())
	}
}

// drain discards the lines not read yet and waits for the process to end.
func (r *tusJSRun) drain() {
	for range r.lines {
		// Discarded: output() keeps every line for failure messages.
	}
	<-r.exited
}

// output is what the client printed, for failure messages.
func (r *tusJSRun) output() string {
	return "stdout:\n" + r.out.String() + "stderr:\n" + r.stderr.String()
}
