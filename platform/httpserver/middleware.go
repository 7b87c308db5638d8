package httpserver

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"vms/platform/kind"
)

const requestIDKey = "vms.request_id"

// RequestID returns the id of the current request.
func RequestID(c *gin.Context) string { return c.GetString(requestIDKey) }

func requestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader("X-Request-ID")
		if !validRequestID(id) {
			var b [8]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		c.Set(requestIDKey, id)
		c.Header("X-Request-ID", id)
		c.Next()
	}
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r == '-' || r == '_' || r == '.' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')) {
			return false
		}
	}
	return true
}

// accessLog writes one JSON line per request. It logs the path without the query string,
// so tokens passed as ?token= never reach the log, and never logs headers.
func accessLog(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		log.LogAttrs(c.Request.Context(), slog.LevelInfo, "request",
			slog.String("request_id", RequestID(c)),
			slog.String("method", c.Request.Method),
			slog.String("path", c.Request.URL.Path),
			slog.String("route", route),
			slog.Int("status", c.Writer.Status()),
			slog.Int("bytes", max(c.Writer.Size(), 0)),
			slog.Duration("duration", time.Since(start)),
			slog.String("client_ip", c.ClientIP()),
		)
	}
}

// recovery turns a panic into a problem+json 500 without internals.
func recovery(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			rec := recover()
			if rec == nil {
				return
			}
			if err, ok := rec.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(rec)
			}
			log.ErrorContext(c.Request.Context(), "panic", "request_id", RequestID(c), "panic", fmt.Sprint(rec), "path", c.Request.URL.Path)
			if c.Writer.Written() {
				c.Abort()
				return
			}
			WriteProblem(c, Problem{Status: http.StatusInternalServerError, Detail: "an unexpected error occurred; the request id identifies it in the server log", Instance: c.Request.URL.Path, RequestID: RequestID(c)})
		}()
		c.Next()
	}
}

// bodyLimit refuses announced bodies over the JSON limit early. Multipart uploads and
// tus chunks (application/offset+octet-stream) have their own limits, enforced by the
// handlers that read them.
func bodyLimit() gin.HandlerFunc {
	return func(c *gin.Context) {
		ct := c.ContentType()
		if c.Request.ContentLength > MaxJSONBody && !strings.HasPrefix(ct, "multipart/") && ct != "application/offset+octet-stream" {
			c.Header("Connection", "close")
			Fail(c, kind.New(kind.TooLarge, "request body is larger than "+strconv.Itoa(MaxJSONBody)+" bytes"))
			return
		}
		c.Next()
	}
}

// securityHeaders sets headers every response carries.
func securityHeaders() gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Header("X-Content-Type-Options", "nosniff")
		if strings.HasPrefix(c.Request.URL.Path, "/v1/") {
			// API answers carry tenant data or depend on the caller; no shared cache may
			// keep them. A handler may set its own (streams: private, no-cache).
			c.Header("Cache-Control", "private, no-store")
		}
		c.Next()
	}
}
