package httpserver

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"vms/platform/kind"
)

// ProblemContentType is the media type of RFC 9457 problem details.
const ProblemContentType = "application/problem+json"

// kindStatus is the status each kind maps to; Internal is missing on purpose, so an
// error without a kind falls through to the checks in Status.
var kindStatus = map[kind.Kind]int{
	kind.BadRequest:          http.StatusBadRequest,
	kind.Invalid:             http.StatusUnprocessableEntity,
	kind.Unauthorized:        http.StatusUnauthorized,
	kind.Forbidden:           http.StatusForbidden,
	kind.NotFound:            http.StatusNotFound,
	kind.Conflict:            http.StatusConflict,
	kind.TooLarge:            http.StatusRequestEntityTooLarge,
	kind.UnsupportedMedia:    http.StatusUnsupportedMediaType,
	kind.RangeNotSatisfiable: http.StatusRequestedRangeNotSatisfiable,
	kind.RateLimited:         http.StatusTooManyRequests,
	kind.BadGateway:          http.StatusBadGateway,
	kind.Unavailable:         http.StatusServiceUnavailable,
}

// FieldError names one invalid field of a request.
type FieldError struct {
	Field   string `json:"field" validate:"required" example:"email"`
	Message string `json:"message" validate:"required" example:"must be a valid e-mail address"`
}

// Problem is an RFC 9457 problem details body.
type Problem struct {
	Type      string       `json:"type" validate:"required" format:"uri-reference" example:"about:blank"`
	Title     string       `json:"title" validate:"required" example:"Not Found"`
	Status    int          `json:"status" validate:"required" minimum:"400" maximum:"599" example:"404"`
	Detail    string       `json:"detail,omitempty" example:"video not found"`
	Instance  string       `json:"instance,omitempty" example:"/v1/videos/id/42"`
	RequestID string       `json:"request_id,omitempty" example:"5f1c2d9e8a7b6c5d"`
	Errors    []FieldError `json:"errors,omitempty"`
	// Quota, Used and Requested are the figures of a quota-exceeded problem, in bytes:
	// the corporation's storage quota, what it stores or has reserved for uploads in
	// progress, and what the refused upload asked for.
	Quota     *int64 `json:"quota,omitempty" minimum:"1" example:"10737418240"`
	Used      *int64 `json:"used,omitempty" minimum:"0" example:"10700000000"`
	Requested *int64 `json:"requested,omitempty" minimum:"0" example:"88925"`
}

// ProblemTypeQuotaExceeded is the problem type of an upload refused because it would
// take a corporation past its storage quota: a reference relative to the API's own
// address, identifying the problem (it is not served).
const ProblemTypeQuotaExceeded = "/problems/quota-exceeded"

// QuotaExceeded is implemented by errors that refuse an upload over a storage quota; the
// problem carries their figures in bytes.
type QuotaExceeded interface {
	QuotaExceeded() (quota, used, requested int64)
}

// DescribeQuota gives p the type, title and figures of a quota-exceeded problem when err
// is one, and reports whether it was.
func DescribeQuota(p *Problem, err error) bool {
	var q QuotaExceeded
	if !errors.As(err, &q) {
		return false
	}
	quota, used, requested := q.QuotaExceeded()
	p.Type, p.Title = ProblemTypeQuotaExceeded, "Storage Quota Exceeded"
	p.Quota, p.Used, p.Requested = &quota, &used, &requested
	return true
}

type fielded interface{ FieldErrors() map[string]string }
type retrying interface{ RetryAfter() time.Duration }

// Status returns the HTTP status an error maps to.
func Status(err error) int {
	if s, ok := kindStatus[kind.Of(err)]; ok {
		return s
	}
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// Fail answers the request with the problem err maps to and stops the handler chain.
func Fail(c *gin.Context, err error) {
	status := Status(err)
	p := Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Instance: c.Request.URL.Path, RequestID: RequestID(c)}
	switch status {
	case http.StatusInternalServerError:
		p.Detail = "an unexpected error occurred; the request id identifies it in the server log"
		slog.ErrorContext(c.Request.Context(), "request failed", "err", err.Error(), "request_id", p.RequestID, "path", c.Request.URL.Path)
	case http.StatusServiceUnavailable:
		p.Detail = "a backing service is unavailable; try again shortly"
		slog.WarnContext(c.Request.Context(), "backing service unavailable", "err", err.Error(), "request_id", p.RequestID)
	default:
		p.Detail = clientDetail(err)
	}
	var f fielded
	if errors.As(err, &f) {
		fields := f.FieldErrors()
		names := make([]string, 0, len(fields))
		for n := range fields {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			p.Errors = append(p.Errors, FieldError{Field: n, Message: fields[n]})
		}
	}
	DescribeQuota(&p, err)
	var r retrying
	if errors.As(err, &r) {
		secs := int(r.RetryAfter().Round(time.Second) / time.Second)
		c.Header("Retry-After", strconv.Itoa(max(secs, 1)))
	}
	if status == http.StatusUnauthorized {
		c.Header("WWW-Authenticate", `Bearer realm="vms"`)
	}
	WriteProblem(c, p)
}

// clientDetail is the message of the error that carries the kind, without the context
// callers wrapped around it on the way up; those wrappings are for the server log.
func clientDetail(err error) string {
	var k kind.Kinded
	if errors.As(err, &k) {
		if e, ok := k.(error); ok {
			return e.Error()
		}
	}
	return err.Error()
}

// WriteProblem writes p as problem+json and aborts the chain.
func WriteProblem(c *gin.Context, p Problem) {
	if p.Type == "" {
		p.Type = "about:blank"
	}
	if p.Title == "" {
		p.Title = http.StatusText(p.Status)
	}
	c.Header("Content-Type", ProblemContentType)
	c.Header("Cache-Control", "no-store")
	c.AbortWithStatusJSON(p.Status, p)
}
