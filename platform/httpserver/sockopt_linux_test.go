package httpserver

import (
	"bufio"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sys/unix"

	"vms/platform/config"
)

// The connections the API accepts carry the listener's TCP_NOTSENT_LOWAT.
func TestAcceptedConnectionsHaveTheNotSentLowWatermark(t *testing.T) {
	cfg := config.Config{HTTPAddr: "127.0.0.1:0", ShutdownTimeout: 5 * time.Second}
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	reg := prometheus.NewRegistry()
	probe := RegistrarFunc(func(r gin.IRouter) {
		r.GET("/lowat", func(c *gin.Context) {
			conn, buf, err := c.Writer.Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			defer conn.Close()
			raw, err := conn.(*net.TCPConn).SyscallConn()
			if err != nil {
				t.Error(err)
				return
			}
			v, serr := -1, error(nil)
			if err := raw.Control(func(fd uintptr) {
				v, serr = unix.GetsockoptInt(int(fd), unix.IPPROTO_TCP, unix.TCP_NOTSENT_LOWAT)
			}); err != nil || serr != nil {
				t.Error(err, serr)
			}
			_, _ = fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%d", len(strconv.Itoa(v)), v)
			_ = buf.Flush()
		})
	})
	e, err := NewEngine(cfg, log, reg, []Registrar{probe})
	if err != nil {
		t.Fatal(err)
	}
	s := New(cfg, log, e, reg)
	if err := s.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Stop(t.Context()) })

	conn, err := net.Dial("tcp", s.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET /lowat HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if got := strings.TrimSpace(string(body)); got != strconv.Itoa(notSentLowat) {
		t.Fatalf("TCP_NOTSENT_LOWAT of an accepted connection: %s, want %d", got, notSentLowat)
	}
}
