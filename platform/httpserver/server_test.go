package httpserver

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"vms/platform/config"
)

func startServer(t *testing.T, cfg config.Config) (*Server, error) {
	t.Helper()
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	reg := prometheus.NewRegistry()
	e, err := NewEngine(cfg, log, reg, []Registrar{NewHealth(nil)})
	if err != nil {
		t.Fatal(err)
	}
	s := New(cfg, log, e, reg)
	if err := s.Start(context.Background()); err != nil {
		return nil, err
	}
	t.Cleanup(func() { _ = s.Stop(context.Background()) })
	return s, nil
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestServerListenersAndStop(t *testing.T) {
	cfg := config.Config{HTTPAddr: "127.0.0.1:0", MetricsAddr: "127.0.0.1:0", ShutdownTimeout: 5 * time.Second}
	s, err := startServer(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	api := "http://" + s.Addr().String()
	if code, _ := get(t, api+"/healthz"); code != 200 {
		t.Fatalf("healthz: %d", code)
	}
	if code, _ := get(t, api+"/metrics"); code != 404 {
		t.Fatalf("metrics on the API listener with METRICS_ADDR set: %d", code)
	}
	code, body := get(t, "http://"+s.MetricsAddr().String()+"/metrics")
	if code != 200 || !strings.Contains(body, `vms_http_requests_total{method="GET",route="/healthz",status="200"} 1`) {
		t.Fatalf("metrics listener: %d\n%s", code, body)
	}
	if err := s.Stop(context.Background()); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if _, err := net.DialTimeout("tcp", s.Addr().String(), time.Second); err == nil {
		t.Fatal("API listener still accepts after Stop")
	}
	if _, err := net.DialTimeout("tcp", s.MetricsAddr().String(), time.Second); err == nil {
		t.Fatal("metrics listener still accepts after Stop")
	}
}

func TestServerBusyPortsNameTheSetting(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, err = startServer(t, config.Config{HTTPAddr: ln.Addr().String()})
	if err == nil || !strings.HasPrefix(err.Error(), "HTTP_ADDR ") {
		t.Fatalf("busy API port: %v", err)
	}
	_, err = startServer(t, config.Config{HTTPAddr: "127.0.0.1:0", MetricsAddr: ln.Addr().String()})
	if err == nil || !strings.HasPrefix(err.Error(), "METRICS_ADDR ") {
		t.Fatalf("busy metrics port: %v", err)
	}
}

func TestServerStopWaitsForRequestsInFlight(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{})
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	reg := prometheus.NewRegistry()
	cfg := config.Config{HTTPAddr: "127.0.0.1:0", ShutdownTimeout: 5 * time.Second}
	e, err := NewEngine(cfg, log, reg, []Registrar{route("GET", "/slow", func(c *gin.Context) {
		close(started)
		<-release
		c.String(200, "done")
	})})
	if err != nil {
		t.Fatal(err)
	}
	s := New(cfg, log, e, reg)
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	type answer struct {
		code int
		body string
	}
	got := make(chan answer, 1)
	go func() {
		res, err := http.Get("http://" + s.Addr().String() + "/slow")
		if err != nil {
			got <- answer{body: err.Error()}
			return
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		got <- answer{res.StatusCode, string(b)}
	}()
	<-started
	stopped := make(chan error, 1)
	go func() { stopped <- s.Stop(context.Background()) }()
	select {
	case err := <-stopped:
		t.Fatalf("Stop returned (%v) before the request in flight finished", err)
	case <-time.After(200 * time.Millisecond):
	}
	close(release)
	if a := <-got; a.code != 200 || a.body != "done" {
		t.Fatalf("request in flight: %d %q", a.code, a.body)
	}
	if err := <-stopped; err != nil {
		t.Fatalf("Stop: %v", err)
	}
}

func TestServerStopDeadlineClosesStragglers(t *testing.T) {
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	reg := prometheus.NewRegistry()
	cfg := config.Config{HTTPAddr: "127.0.0.1:0", ShutdownTimeout: 200 * time.Millisecond}
	block, entered := make(chan struct{}), make(chan struct{})
	defer close(block)
	e, _ := NewEngine(cfg, log, reg, []Registrar{route("GET", "/stuck", func(c *gin.Context) { close(entered); <-block })})
	s := New(cfg, log, e, reg)
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	go func() {
		res, err := http.Get("http://" + s.Addr().String() + "/stuck")
		if err == nil {
			_ = res.Body.Close()
		}
	}()
	<-entered // the request is in flight when Stop begins
	begin := time.Now()
	_ = s.Stop(context.Background())
	if d := time.Since(begin); d > 2*time.Second {
		t.Fatalf("Stop took %s with a 200ms shutdown timeout", d)
	}
}
