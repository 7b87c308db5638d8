package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	buildDir  string
)

// binary builds the server once per test run.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "vms-bin-")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(buildDir, "vms")
		args := []string{"build", "-o", binPath}
		if raceEnabled {
			args = append(args, "-race")
		}
		cmd := exec.Command("go", append(args, ".")...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			buildErr = errors.New("go build: " + err.Error() + "\n" + out.String())
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// command runs the binary with a clean environment: only PATH, HOME and the given settings.
func command(t *testing.T, env map[string]string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Dir = t.TempDir()
	return cmd
}

func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

func TestBadSettingStopsStartWithOneLine(t *testing.T) {
	cases := map[string]string{
		"HTTP_ADDR":        "nonsense",
		"DATABASE_URL":     "mysql://x",
		"ACCESS_TOKEN_TTL": "forever",
		"MAX_UPLOAD_BYTES": "abc",
		"STREAM_MODE":      "x",
		"TRUSTED_PROXIES":  "bad",
	}
	for name, value := range cases {
		t.Run(name, func(t *testing.T) {
			cmd := command(t, map[string]string{"DATA_DIR": t.TempDir(), name: value})
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			if code := exitCode(err); code == 0 || code == -1 {
				t.Fatalf("exit %v, want a non-zero exit code", err)
			}
			lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
			if len(lines) != 1 || !strings.Contains(lines[0], name) {
				t.Fatalf("stderr %q, want one line naming %s", stderr.String(), name)
			}
		})
	}
	t.Run("production without JWT_SECRET", func(t *testing.T) {
		cmd := command(t, map[string]string{"DATA_DIR": t.TempDir(), "APP_ENV": "production"})
		out, err := cmd.CombinedOutput()
		if exitCode(err) == 0 || strings.Count(strings.TrimSpace(string(out)), "\n") != 0 || !strings.Contains(string(out), "JWT_SECRET") {
			t.Fatalf("exit %v output %q", err, out)
		}
	})
}

func TestBusyPortFailsStart(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	cmd := command(t, map[string]string{"DATA_DIR": t.TempDir(), "HTTP_ADDR": ln.Addr().String(), "LOG_LEVEL": "error"})
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if exitCode(err) == 0 {
			t.Fatal("start on a busy port exited 0")
		}
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("start on a busy port did not fail")
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	if last := lines[len(lines)-1]; !strings.Contains(last, "HTTP_ADDR") || !strings.Contains(last, "address already in use") {
		t.Fatalf("stderr %q: the last line should name HTTP_ADDR and the cause", stderr.String())
	}
}

func TestMigrateCommand(t *testing.T) {
	env := map[string]string{"DATA_DIR": t.TempDir()}
	run := func(want int, args ...string) string {
		t.Helper()
		out, err := command(t, env, args...).CombinedOutput()
		if code := exitCode(err); code != want {
			t.Fatalf("vms %s: exit %d, want %d; output %s", strings.Join(args, " "), code, want, out)
		}
		return string(out)
	}
	if out := run(0, "migrate", "status"); !strings.Contains(out, "pending") || !strings.Contains(out, "00001_schema.sql") {
		t.Fatalf("status on a new database: %s", out)
	}
	if out := run(0, "migrate", "up"); !strings.Contains(out, "applied") || !strings.Contains(out, "00001_schema.sql") || !strings.Contains(out, "applied job tables version") {
		t.Fatalf("up: %s", out)
	}
	if out := run(0, "migrate", "status"); !strings.Contains(out, "applied") || strings.Contains(out, "pending") {
		t.Fatalf("status after up: %s", out)
	}
	if out := run(0, "migrate", "up"); !strings.Contains(out, "up to date") {
		t.Fatalf("second up: %s", out)
	}
	// Each down rolls back the newest applied migration, down to the first.
	migrations, err := filepath.Glob(filepath.Join("..", "platform", "database", "migrations", "sqlite", "*.sql"))
	if err != nil || len(migrations) < 2 {
		t.Fatalf("migrations: %v %v", migrations, err)
	}
	sort.Strings(migrations)
	for i := len(migrations) - 1; i >= 0; i-- {
		name := filepath.Base(migrations[i])
		if out := run(0, "migrate", "down"); !strings.Contains(out, "rolled back") || !strings.Contains(out, name) {
			t.Fatalf("down, expecting %s: %s", name, out)
		}
		if i == len(migrations)-1 {
			if out := run(0, "migrate", "status"); !strings.Contains(out, "pending") {
				t.Fatalf("status after down: %s", out)
			}
		}
	}
	run(1, "migrate", "down")
	run(2, "migrate", "sideways")
	run(2, "migrate")
	run(2, "frobnicate")
	if _, err := os.Stat(filepath.Join(env["DATA_DIR"], "vms.db")); err != nil {
		t.Fatalf("migrate did not use DATA_DIR: %v", err)
	}
}

// server is a running binary.
type server struct {
	cmd  *exec.Cmd
	addr string
	done chan error
	logs *bytes.Buffer
	mu   *sync.Mutex
}

func startServer(t *testing.T, env map[string]string) *server {
	t.Helper()
	return startCommand(t, command(t, env))
}

// startCommand starts a server command built by command (its SysProcAttr set as the test
// needs) and waits until it listens.
func startCommand(t *testing.T, cmd *exec.Cmd) *server {
	t.Helper()
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, done: make(chan error, 1), logs: &bytes.Buffer{}, mu: &sync.Mutex{}}
	addrCh := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			s.mu.Lock()
			s.logs.Write(append(sc.Bytes(), '\n'))
			s.mu.Unlock()
			var line struct{ Msg, Addr string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "listening" {
				addrCh <- line.Addr
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
		s.done <- cmd.Wait()
	}()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	select {
	case s.addr = <-addrCh:
	case err := <-s.done:
		t.Fatalf("server exited during start: %v\n%s", err, s.log())
	case <-time.After(60 * time.Second):
		t.Fatalf("server did not start:\n%s", s.log())
	}
	return s
}

func (s *server) log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logs.String()
}

// readResponse reads one HTTP/1.1 response with a Content-Length.
func readResponse(t *testing.T, r *bufio.Reader) (status string, body string) {
	t.Helper()
	status, err := r.ReadString('\n')
	if err != nil {
		t.Fatalf("read status line: %v", err)
	}
	length := -1
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("read header: %v", err)
		}
		line = strings.TrimSpace(line)
		if line == "" {
			break
		}
		if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(k, "Content-Length") {
			if length, err = strconv.Atoi(strings.TrimSpace(v)); err != nil {
				t.Fatalf("Content-Length %q", v)
			}
		}
	}
	if length < 0 {
		t.Fatal("response without Content-Length")
	}
	buf := make([]byte, length)
	if _, err := io.ReadFull(r, buf); err != nil {
		t.Fatalf("read body: %v", err)
	}
	return strings.TrimSpace(status), string(buf)
}

// TestGracefulShutdown sends SIGTERM while one keep-alive connection is idle and one
// request is in flight (its handler is still reading a slowly sent body): the idle
// connection is closed, new connections are refused, the request in flight gets its whole
// answer and the process exits 0. The request is POST /v1/auth/login, the one route of the
// specification that reads a body from anyone.
func TestGracefulShutdown(t *testing.T) {
	s := startServer(t, map[string]string{"DATA_DIR": t.TempDir(), "HTTP_ADDR": "127.0.0.1:0", "SHUTDOWN_TIMEOUT": "15s"})
	dial := func() net.Conn {
		c, err := net.DialTimeout("tcp", s.addr, 2*time.Second)
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		t.Cleanup(func() { _ = c.Close() })
		return c
	}

	// An idle keep-alive connection: one request answered, connection left open.
	idle := dial()
	idleR := bufio.NewReader(idle)
	if _, err := io.WriteString(idle, "GET /healthz HTTP/1.1\r\nHost: vms\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	if status, _ := readResponse(t, idleR); !strings.HasPrefix(status, "HTTP/1.1 200") {
		t.Fatalf("idle connection's first request: %s", status)
	}

	// A request in flight: headers and half of the body sent, the rest after SIGTERM.
	body := `{"email":"nobody@example.com","password":"not-the-password"}`
	busy := dial()
	head := "POST /v1/auth/login HTTP/1.1\r\nHost: vms\r\nContent-Type: application/json\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n"
	if _, err := io.WriteString(busy, head+body[:len(body)/2]); err != nil {
		t.Fatal(err)
	}
	// SIGTERM only once the server has read those bytes: the request is then in flight.
	waitRead(t, busy)

	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}

	// New connections are refused once shutdown begins.
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", s.addr, 500*time.Millisecond)
		if err != nil {
			break
		}
		_ = c.Close()
		if time.Now().After(deadline) {
			t.Fatal("the server still accepts connections 5s after SIGTERM")
		}
		time.Sleep(20 * time.Millisecond)
	}

	// The idle connection is closed by the server.
	_ = idle.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := idleR.ReadByte(); !errors.Is(err, io.EOF) {
		t.Fatalf("idle keep-alive connection: read %v, want EOF", err)
	}

	select {
	case err := <-s.done:
		t.Fatalf("server exited (%v) while a request was in flight", err)
	case <-time.After(500 * time.Millisecond):
	}

	// The request in flight completes with a whole answer (the credentials are unknown).
	if _, err := io.WriteString(busy, body[len(body)/2:]); err != nil {
		t.Fatal(err)
	}
	_ = busy.SetReadDeadline(time.Now().Add(10 * time.Second))
	status, answer := readResponse(t, bufio.NewReader(busy))
	if !strings.HasPrefix(status, "HTTP/1.1 401") || !strings.Contains(answer, `"status":401`) {
		t.Fatalf("in-flight request: %s %s", status, answer)
	}

	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, s.log())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("server did not exit after its last request:\n%s", s.log())
	}
	if !strings.Contains(s.log(), `"route":"/v1/auth/login"`) {
		t.Fatalf("in-flight request missing from the access log:\n%s", s.log())
	}
}

func TestSIGINTExitsZero(t *testing.T) {
	s := startServer(t, map[string]string{"DATA_DIR": t.TempDir(), "HTTP_ADDR": "127.0.0.1:0"})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", s.addr)
	if err != nil {
		t.Fatal(err)
	}
	_ = c.Close()
	if err := s.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("exit after SIGINT: %v\n%s", err, s.log())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no exit after SIGINT")
	}
}

func TestHealthcheckCommand(t *testing.T) {
	s := startServer(t, map[string]string{"DATA_DIR": t.TempDir(), "HTTP_ADDR": "127.0.0.1:0"})
	_, port, _ := net.SplitHostPort(s.addr)
	for _, addr := range []string{s.addr, ":" + port, "0.0.0.0:" + port} {
		if out, err := command(t, map[string]string{"HTTP_ADDR": addr}, "healthcheck").CombinedOutput(); err != nil {
			t.Fatalf("healthcheck with HTTP_ADDR=%s: %v %s", addr, err, out)
		}
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	if err := <-s.done; err != nil {
		t.Fatalf("server after SIGTERM: %v, want exit 0", err)
	}
	out, err := command(t, map[string]string{"HTTP_ADDR": s.addr}, "healthcheck").CombinedOutput()
	if exitCode(err) != 1 || !strings.Contains(string(out), "healthcheck") {
		t.Fatalf("healthcheck of a stopped server: %v %s", err, out)
	}
	if out, err := command(t, nil, "help").CombinedOutput(); err != nil || !strings.Contains(string(out), "usage") {
		t.Fatalf("help: %v %s", err, out)
	}
}
