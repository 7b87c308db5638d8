package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"vms/modules/upload/adapters/tusd"
	"vms/platform/httpserver"
)

// tusWriter sits between tusd and the client. It turns tusd's plain-text error answers
// into problem+json (with a quota's figures when the use case refused over the storage
// quota), announces the extensions this server adds to tusd's (checksum, expiration) on
// OPTIONS, and remembers the status.
type tusWriter struct {
	http.ResponseWriter
	req        *http.Request
	requestID  string
	extensions string
	failure    *tusd.Failure
	status     int
	problem    bool
	body       bytes.Buffer
}

func (w *tusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *tusWriter) WriteHeader(status int) {
	if w.status != 0 {
		return
	}
	w.status = status
	h := w.Header()
	if w.req.Method == http.MethodOptions && status < 300 {
		h.Set("Tus-Extension", w.extensions)
		h.Set("Tus-Checksum-Algorithm", checksumAlgorithms)
	}
	if status >= 400 && strings.HasPrefix(h.Get("Content-Type"), "text/plain") {
		w.problem = true
		return
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *tusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if w.problem {
		return w.body.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

// finish writes the problem body of a tusd error, once tusd has returned.
func (w *tusWriter) finish() {
	if !w.problem {
		return
	}
	detail := strings.TrimSpace(w.body.String())
	if _, msg, ok := strings.Cut(detail, ": "); ok && strings.HasPrefix(detail, "ERR_") {
		detail = msg
	}
	title := http.StatusText(w.status)
	if w.status == statusChecksumMismatch {
		title = "Checksum Mismatch"
	}
	p := httpserver.Problem{Type: "about:blank", Title: title, Status: w.status, Detail: detail, Instance: w.req.URL.Path, RequestID: w.requestID}
	if w.failure != nil {
		httpserver.DescribeQuota(&p, w.failure.Err)
	}
	body, _ := json.Marshal(p) // strings and ints: cannot fail
	h := w.Header()
	h.Set("Content-Type", httpserver.ProblemContentType)
	h.Set("Cache-Control", "no-store")
	if w.req.Method == http.MethodHead {
		h.Del("Content-Length")
		w.ResponseWriter.WriteHeader(w.status)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.ResponseWriter.WriteHeader(w.status)
	_, _ = w.ResponseWriter.Write(body)
}
