package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"vms/platform/database"
	"vms/platform/database/dbtest"
)

// The tests here kill a server while its media job hangs inside ffprobe and check that
// another process on the same database picks the job up again and finishes it. The hang
// is a fake ffprobe: it answers -version as the real one does (the server checks its
// tools at start) and sleeps on any file.

// resilienceSecret signs the tokens of every server of a test, so a token from one
// process is good on the other.
const resilienceSecret = "jobs-resilience-test-secret-0123456789"

// probePIDFile is where the fake ffprobe records its process id, under the DATA_DIR of
// the server that runs it.
const probePIDFile = "fake-ffprobe.pids"

// writeBlockingFFprobe writes the fake ffprobe and returns its path. Call it before
// t.Parallel: an executable written while other tests fork processes can fail to start
// with "text file busy".
func writeBlockingFFprobe(t *testing.T) string {
	t.Helper()
	realProbe, err := exec.LookPath("ffprobe")
	if err != nil {
		t.Fatalf("ffprobe is not on PATH (install ffmpeg): %v", err)
	}
	script := "#!/bin/sh\n" +
		"# ffprobe that answers -version like the real one and hangs on any file.\n" +
		"for arg in \"$@\"; do\n" +
		"\tif [ \"$arg\" = \"-version\" ]; then exec '" + realProbe + "' \"$@\"; fi\n" +
		"done\n" +
		"echo $$ >> \"$DATA_DIR/" + probePIDFile + "\"\n" +
		"exec sleep 600\n"
	path := filepath.Join(t.TempDir(), "ffprobe")
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil { //nolint:gosec // G306: an executable script
		t.Fatal(err)
	}
	return path
}

// startGroup starts a server in a process group of its own, so that killing the group
// also kills the ffprobe it runs. Any fake ffprobe of the server still alive at the end
// of the test is killed.
func startGroup(t *testing.T, env map[string]string) *server {
	t.Helper()
	cmd := command(t, env)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	s := startCommand(t, cmd)
	pgid := s.cmd.Process.Pid
	t.Cleanup(func() {
		for _, pid := range probePIDs(t, env["DATA_DIR"]) {
			if inGroup(pid, pgid) {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	})
	return s
}

// probePIDs returns the process ids the fake ffprobe recorded under dataDir.
func probePIDs(t *testing.T, dataDir string) []int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dataDir, probePIDFile))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var pids []int
	for line := range strings.Lines(string(b)) {
		if !strings.HasSuffix(line, "\n") {
			break // still being written
		}
		pid, err := strconv.Atoi(strings.TrimSpace(line))
		if err != nil {
			t.Fatalf("%s: %q", probePIDFile, line)
		}
		pids = append(pids, pid)
	}
	return pids
}

// inGroup reports whether pid is a live (not zombie) process of the process group pgid.
func inGroup(pid, pgid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// pid (comm) state ppid pgrp …; comm may hold spaces and parentheses.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return false
	}
	f := strings.Fields(string(b[i+1:]))
	return len(f) >= 3 && f[0] != "Z" && f[2] == strconv.Itoa(pgid)
}

// killGroup SIGKILLs a server started by startGroup with its whole process group, as a
// crash or an OOM kill would, and waits until the server and its fake ffprobe are gone.
func killGroup(t *testing.T, s *server, probePID int) {
	t.Helper()
	select {
	case err := <-s.done:
		t.Fatalf("the server exited before it was killed: %v\n%s", err, s.jobLog())
	default:
	}
	pgid := s.cmd.Process.Pid
	if err := syscall.Kill(-pgid, syscall.SIGKILL); err != nil {
		t.Fatalf("kill process group %d: %v", pgid, err)
	}
	select {
	case err := <-s.done: // killed: the exit status says so and is not checked
		_ = err
	case <-time.After(30 * time.Second):
		t.Fatal("the killed server did not exit")
	}
	waitUntil(t, 10*time.Second, "the fake ffprobe outlived its killed server", func() bool { return !inGroup(probePID, pgid) })
}

// jobLog is the server's log without its access log, which the polling fills.
func (s *server) jobLog() string {
	var out strings.Builder
	for line := range strings.Lines(s.log()) {
		if !strings.Contains(line, `"msg":"request"`) {
			out.WriteString(line)
		}
	}
	return out.String()
}

// waitUntil polls cond until it holds, failing the test after timeout.
func waitUntil(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// api talks HTTP to one server.
type api struct {
	base   string
	client *http.Client
}

func apiOf(s *server) api {
	return api{base: "http://" + s.addr, client: &http.Client{Timeout: 30 * time.Second}}
}

func (a api) call(t *testing.T, method, path, token, contentType string, body io.Reader, want int) []byte {
	t.Helper()
	req, err := http.NewRequest(method, a.base+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := a.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	if res.StatusCode != want {
		t.Fatalf("%s %s: %d %s, want %d", method, path, res.StatusCode, b, want)
	}
	return b
}

func (a api) json(t *testing.T, method, path, token string, in any, want int, out any) {
	t.Helper()
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	res := a.call(t, method, path, token, "application/json", bytes.NewReader(b), want)
	if out != nil {
		if err := json.Unmarshal(res, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, res)
		}
	}
}

// signUp creates a corporation and returns its admin's access token.
func (a api) signUp(t *testing.T, name string) string {
	t.Helper()
	email, password := "admin@"+name+".example", "correct horse battery"
	a.json(t, http.MethodPost, "/v1/corporations", "", map[string]string{
		"name": name, "plan_type": "FREE", "admin_email": email, "admin_password": password,
	}, http.StatusCreated, nil)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	a.json(t, http.MethodPost, "/v1/auth/login", "", map[string]string{"email": email, "password": password}, http.StatusOK, &tok)
	if tok.AccessToken == "" {
		t.Fatal("login gave no access token")
	}
	return tok.AccessToken
}

type mediaState struct {
	Status          string   `json:"status"`
	Error           *string  `json:"error"`
	DurationSeconds *float64 `json:"duration_seconds"`
	PosterURL       *string  `json:"poster_url"`
}

func (m mediaState) String() string {
	s := m.Status
	if m.Error != nil {
		s += fmt.Sprintf(" (error %q)", *m.Error)
	}
	if m.DurationSeconds != nil {
		s += fmt.Sprintf(" duration %v s", *m.DurationSeconds)
	}
	return s
}

// upload stores the sample and returns the new video's id; its media is processing.
func (a api) upload(t *testing.T, token, name string) int64 {
	t.Helper()
	sample, err := os.ReadFile("testdata/sample.mp4")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if err := mw.WriteField("name", name); err != nil {
		t.Fatal(err)
	}
	fw, err := mw.CreateFormFile("file", "clip.mp4")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(sample); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	var v struct {
		ID    int64      `json:"id"`
		Media mediaState `json:"media"`
	}
	b := a.call(t, http.MethodPost, "/v1/videos", token, mw.FormDataContentType(), &buf, http.StatusCreated)
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	if v.ID == 0 || v.Media.Status != "processing" {
		t.Fatalf("upload answered %s, want a video whose media is processing", b)
	}
	return v.ID
}

func (a api) media(t *testing.T, token string, id int64) mediaState {
	t.Helper()
	var v struct {
		Media mediaState `json:"media"`
	}
	a.json(t, http.MethodGet, "/v1/videos/id/"+strconv.FormatInt(id, 10), token, nil, http.StatusOK, &v)
	return v.Media
}

// awaitReady polls the video until its media leaves processing and checks it ready with
// the sample's duration.
func (a api) awaitReady(t *testing.T, s *server, token string, id int64, timeout time.Duration) {
	t.Helper()
	var m mediaState
	deadline := time.Now().Add(timeout)
	for {
		m = a.media(t, token, id)
		if m.Status != "processing" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("video %d still processing after %s; the server's log:\n%s", id, timeout, s.jobLog())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if m.Status != "ready" || m.Error != nil || m.DurationSeconds == nil || math.Abs(*m.DurationSeconds-2.0) > 0.1 || m.PosterURL == nil {
		t.Fatalf("video %d media = %s, want ready with a poster and about 2 s; the server's log:\n%s", id, m, s.jobLog())
	}
}

func openDatabase(t *testing.T, url string) *database.DB {
	t.Helper()
	db, err := database.Open(url, database.Options{MaxOpenConns: 2, MaxIdleConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// riverJob is what the tests read of a media job in River's table.
type riverJob struct {
	ID          int64
	State       string
	Attempt     int
	AttemptedBy []string // River client ids, one per fetch
	Errors      string   // the recorded attempt errors as JSON text
}

func mediaJob(t *testing.T, db *database.DB, videoID int64) riverJob {
	t.Helper()
	q := `SELECT id, state, attempt, COALESCE(json(attempted_by), '[]') AS attempted_by, COALESCE(json(errors), '') AS errors
		FROM river_job WHERE kind = 'media_process' AND json_extract(args, '$.video_id') = ?`
	if db.Dialect == database.Postgres {
		q = `SELECT id, state::text AS state, attempt, COALESCE(to_json(attempted_by)::text, '[]') AS attempted_by, COALESCE(to_json(errors)::text, '') AS errors
		FROM river_job WHERE kind = 'media_process' AND (args->>'video_id')::bigint = ?`
	}
	var rows []struct {
		ID          int64
		State       string
		Attempt     int
		AttemptedBy string
		Errors      string
	}
	if err := db.Gorm.Raw(q, videoID).Scan(&rows).Error; err != nil {
		t.Fatalf("read the media job of video %d: %v", videoID, err)
	}
	if len(rows) != 1 {
		t.Fatalf("%d media jobs for video %d, want one", len(rows), videoID)
	}
	r := rows[0]
	j := riverJob{ID: r.ID, State: r.State, Attempt: r.Attempt, Errors: r.Errors}
	if err := json.Unmarshal([]byte(r.AttemptedBy), &j.AttemptedBy); err != nil {
		t.Fatalf("attempted_by %q: %v", r.AttemptedBy, err)
	}
	return j
}

func distinct(ss []string) int {
	seen := map[string]bool{}
	for _, s := range ss {
		seen[s] = true
	}
	return len(seen)
}

// awaitBlockedProbe waits until the server's job for the video hangs in the fake ffprobe
// and River's row shows it running at its first attempt; it returns the ffprobe's pid.
func awaitBlockedProbe(t *testing.T, s *server, db *database.DB, dataDir string, videoID int64) int {
	t.Helper()
	var pid int
	deadline := time.Now().Add(60 * time.Second)
	for {
		pids := probePIDs(t, dataDir)
		if len(pids) > 1 {
			t.Fatalf("the fake ffprobe ran %d times, want once", len(pids))
		}
		if len(pids) == 1 {
			pid = pids[0]
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 60 s the media job has not reached the fake ffprobe; the server's log:\n%s", s.jobLog())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !inGroup(pid, s.cmd.Process.Pid) {
		t.Fatalf("the fake ffprobe (pid %d) is not a live process of the server's group", pid)
	}
	if j := mediaJob(t, db, videoID); j.State != "running" || j.Attempt != 1 || len(j.AttemptedBy) != 1 {
		t.Fatalf("job while ffprobe hangs: %+v, want running at attempt 1", j)
	}
	return pid
}

// checkRescued waits for the job to be recorded completed and checks that it was
// rescued from the killed process and worked by another one.
func checkRescued(t *testing.T, db *database.DB, videoID int64) {
	t.Helper()
	var j riverJob
	waitUntil(t, 30*time.Second, "the finished job was not recorded completed", func() bool {
		j = mediaJob(t, db, videoID)
		return j.State == "completed"
	})
	if j.Attempt < 2 {
		t.Fatalf("completed at attempt %d, want a second attempt after the kill", j.Attempt)
	}
	if distinct(j.AttemptedBy) < 2 {
		t.Fatalf("attempted by %v, want the killed process and another", j.AttemptedBy)
	}
	if !strings.Contains(j.Errors, "Stuck job rescued by JobRescuer") {
		t.Fatalf("the job's errors %s do not record River's rescue", j.Errors)
	}
}

// A server killed while a media job runs leaves the job running in River's table; the
// next server on the same database rescues it after JOB_RESCUE_AFTER and works it again,
// and the video ends ready.
func TestJobOfKilledServerIsWorkedAgain(t *testing.T) {
	fakeProbe := writeBlockingFFprobe(t)
	t.Parallel()
	run := func(t *testing.T, dataDir, dbURL string) {
		settings := map[string]string{
			"DATA_DIR": dataDir, "DATABASE_URL": dbURL, "HTTP_ADDR": "127.0.0.1:0", "JWT_SECRET": resilienceSecret,
			"MEDIA_PROCESSING": "required", "JOB_TIMEOUT": "5s", "JOB_RESCUE_AFTER": "6s",
		}
		withFake := map[string]string{"FFPROBE_PATH": fakeProbe}
		for k, v := range settings {
			withFake[k] = v
		}
		a := startGroup(t, withFake)
		token := apiOf(a).signUp(t, "acme")
		id := apiOf(a).upload(t, token, "clip")
		db := openDatabase(t, dbURL)
		probe := awaitBlockedProbe(t, a, db, dataDir, id)

		// Killed well within its JOB_TIMEOUT: the attempt ends with the process, not with
		// a timeout the server would record.
		killGroup(t, a, probe)
		if j := mediaJob(t, db, id); j.State != "running" || j.Attempt != 1 {
			t.Fatalf("job after the kill: %+v, want still running at attempt 1", j)
		}

		// The next server, with the real ffprobe. The killed one held River's leadership,
		// which lapses after its TTL (15 s); the new leader's rescuer then finds the job
		// running longer than JOB_RESCUE_AFTER at its first run.
		b := startServer(t, settings)
		apiOf(b).awaitReady(t, b, token, id, 90*time.Second)
		checkRescued(t, db, id)
	}
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		run(t, dir, "sqlite://"+filepath.Join(dir, "vms.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		run(t, t.TempDir(), dbtest.PostgresURL(t))
	})
}

// Two servers on one PostgreSQL database and one storage share the queue: while A's only
// worker hangs, a job inserted by A is worked by B; once A is killed, B rescues A's job and
// the video ends ready, as B's API shows.
func TestTwoServersShareTheJobQueue(t *testing.T) {
	fakeProbe := writeBlockingFFprobe(t)
	t.Parallel()
	dbURL := dbtest.PostgresURL(t)
	storage := t.TempDir()
	shared := map[string]string{
		"DATABASE_URL": dbURL, "STORAGE_URL": "file://" + filepath.ToSlash(storage), "HTTP_ADDR": "127.0.0.1:0",
		"JWT_SECRET": resilienceSecret, "MEDIA_PROCESSING": "required",
	}
	envA := map[string]string{
		"DATA_DIR": t.TempDir(), "FFPROBE_PATH": fakeProbe, "JOB_WORKERS": "1",
		// A's own timeout stays out of the way of the steps it runs for before the kill.
		"JOB_TIMEOUT": "60s", "JOB_RESCUE_AFTER": "61s",
	}
	envB := map[string]string{"DATA_DIR": t.TempDir(), "JOB_TIMEOUT": "5s", "JOB_RESCUE_AFTER": "6s"}
	for k, v := range shared {
		envA[k], envB[k] = v, v
	}

	a := startGroup(t, envA)
	token := apiOf(a).signUp(t, "acme")
	first := apiOf(a).upload(t, token, "first")
	db := openDatabase(t, dbURL)
	probe := awaitBlockedProbe(t, a, db, envA["DATA_DIR"], first)

	// B starts only now, so that the first job is A's for certain; A, started first, holds
	// River's leadership.
	b := startServer(t, envB)
	if m := apiOf(b).media(t, token, first); m.Status != "processing" {
		t.Fatalf("B reads A's upload as %s, want processing", m)
	}
	// A's one worker is busy: the job A inserts for a second upload is worked by B.
	second := apiOf(a).upload(t, token, "second")
	apiOf(b).awaitReady(t, b, token, second, 60*time.Second)
	if m := apiOf(a).media(t, token, first); m.Status != "processing" {
		t.Fatalf("before the kill the first video is %s, want processing", m)
	}
	if j := mediaJob(t, db, first); j.State != "running" || j.Attempt != 1 {
		t.Fatalf("before the kill the first job is %+v, want running at attempt 1 on A", j)
	}

	killGroup(t, a, probe)
	apiOf(b).awaitReady(t, b, token, first, 90*time.Second)
	checkRescued(t, db, first)
	var j riverJob
	waitUntil(t, 30*time.Second, "the second job was not recorded completed", func() bool {
		j = mediaJob(t, db, second)
		return j.State == "completed"
	})
	if j.Attempt != 1 || len(j.AttemptedBy) != 1 || slices.Contains(mediaJob(t, db, first).AttemptedBy[:1], j.AttemptedBy[0]) {
		t.Fatalf("second job %+v, want one attempt, by B (not A)", j)
	}
}
