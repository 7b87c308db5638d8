// Package httpserver runs the gin engine inside an http.Server, with the middleware every
// route shares, problem+json errors and routes collected from the modules.
package httpserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"vms/platform/config"
)

// NoSuchRoute is the detail of the 404 problem for a path the server has no route for
// (as opposed to a route that answers 404 for a missing resource). The web console reads
// it to tell "this server has no such API" from "no such item".
const NoSuchRoute = "no such route"

// Registrar adds a module's routes to the engine.
type Registrar interface {
	Register(r gin.IRouter)
}

// RegistrarFunc adapts a function to a Registrar.
type RegistrarFunc func(r gin.IRouter)

// Register calls f.
func (f RegistrarFunc) Register(r gin.IRouter) { f(r) }

// Fallback is implemented by a Registrar that also answers GET and HEAD requests no route
// matched, such as the web console's client-side routes. Fallback reports whether it
// answered; when none does, the request gets the 404 problem.
type Fallback interface {
	Fallback(c *gin.Context) bool
}

// NewEngine builds the gin engine with the shared middleware and every module's routes.
func NewEngine(cfg config.Config, log *slog.Logger, reg *prometheus.Registry, routes []Registrar) (*gin.Engine, error) {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.HandleMethodNotAllowed = true
	e.RedirectTrailingSlash = false
	e.ContextWithFallback = true
	if err := e.SetTrustedProxies(cfg.TrustedProxyStrings()); err != nil {
		return nil, fmt.Errorf("TRUSTED_PROXIES: %w", err)
	}
	e.Use(requestID(), accessLog(log), newHTTPMetrics(reg).middleware(), recovery(log), securityHeaders(), bodyLimit())
	var fallbacks []Fallback
	for _, r := range routes {
		if f, ok := r.(Fallback); ok {
			fallbacks = append(fallbacks, f)
		}
	}
	e.NoRoute(func(c *gin.Context) {
		if c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead {
			for _, f := range fallbacks {
				if f.Fallback(c) {
					return
				}
			}
		}
		WriteProblem(c, Problem{Status: http.StatusNotFound, Detail: NoSuchRoute, Instance: c.Request.URL.Path, RequestID: RequestID(c)})
	})
	e.NoMethod(func(c *gin.Context) {
		WriteProblem(c, Problem{Status: http.StatusMethodNotAllowed, Detail: "method " + c.Request.Method + " is not allowed here", Instance: c.Request.URL.Path, RequestID: RequestID(c)})
	})
	if cfg.MetricsAddr == "" {
		e.GET("/metrics", gin.WrapH(promhttp.HandlerFor(reg, promhttp.HandlerOpts{})))
	}
	for _, r := range routes {
		r.Register(e)
	}
	return e, nil
}

// Server is the API listener (and the separate metrics listener when METRICS_ADDR is set).
type Server struct {
	cfg     config.Config
	log     *slog.Logger
	api     *http.Server
	metrics *http.Server
	addr    net.Addr
	maddr   net.Addr
}

// New builds the server around the engine. It does not listen until Start.
func New(cfg config.Config, log *slog.Logger, engine *gin.Engine, reg *prometheus.Registry) *Server {
	s := &Server{cfg: cfg, log: log}
	s.api = &http.Server{
		Addr:              cfg.HTTPAddr,
		Handler:           engine,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	if cfg.MetricsAddr != "" {
		s.metrics = &http.Server{
			Addr:              cfg.MetricsAddr,
			Handler:           promhttp.HandlerFor(reg, promhttp.HandlerOpts{}),
			ReadHeaderTimeout: 10 * time.Second,
		}
	}
	return s
}

// Addr is the address the API listens on, once started.
func (s *Server) Addr() net.Addr { return s.addr }

// MetricsAddr is the address of the separate metrics listener, once started; nil when
// METRICS_ADDR is empty and metrics are served on the API listener.
func (s *Server) MetricsAddr() net.Addr { return s.maddr }

// Start listens synchronously, so a busy port fails start-up, then serves in the background.
func (s *Server) Start(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.api.Addr)
	if err != nil {
		return fmt.Errorf("HTTP_ADDR %s: %w", s.api.Addr, err)
	}
	s.addr = ln.Addr()
	if s.metrics != nil {
		mln, err := net.Listen("tcp", s.metrics.Addr)
		if err != nil {
			_ = ln.Close()
			return fmt.Errorf("METRICS_ADDR %s: %w", s.metrics.Addr, err)
		}
		s.maddr = mln.Addr()
		go s.serve(s.metrics, mln)
	}
	go s.serve(s.api, tunedListener{ln})
	s.log.Info("listening", "addr", s.addr.String())
	return nil
}

// tunedListener sets the socket options of the API's connections as it accepts them.
type tunedListener struct{ net.Listener }

func (l tunedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		tuneConn(c)
	}
	return c, err
}

func (s *Server) serve(srv *http.Server, ln net.Listener) {
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		s.log.Error("server stopped", "err", err)
	}
}

// Stop stops accepting connections and lets requests in flight finish within the
// shutdown deadline; after it, the remaining connections are closed.
func (s *Server) Stop(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.ShutdownTimeout)
	defer cancel()
	if s.metrics != nil {
		_ = s.metrics.Shutdown(ctx)
	}
	err := s.api.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		s.log.Warn("shutdown deadline reached; closing remaining connections")
		return s.api.Close()
	}
	return err
}
