package contract

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// Undocumented are the routes that are not part of the API document (as METHOD path).
var Undocumented = []string{"GET /docs", "GET /docs/*", "HEAD /docs/*", "GET /metrics", "HEAD /healthz", "HEAD /readyz"}

// Checker checks HTTP exchanges against an OpenAPI 3 document.
//
// Every response must be documented for its operation and status, with its media type and,
// for JSON, a body matching the schema. A request is checked against the document when the
// server accepted it (status below 400): a request the document calls invalid must not
// succeed. Refused requests are not checked, since tests send bad input on purpose.
type Checker struct {
	router routers.Router

	mu   sync.Mutex
	seen map[string]int // "METHOD /path/template status" → exchanges checked
}

// NewChecker reads an OpenAPI 3 document (JSON).
func NewChecker(doc []byte) (*Checker, error) {
	loader := openapi3.NewLoader()
	d, err := loader.LoadFromData(doc)
	if err != nil {
		return nil, fmt.Errorf("load the OpenAPI 3 document: %w", err)
	}
	if err := d.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("the OpenAPI 3 document is invalid: %w", err)
	}
	d.Servers = nil // match paths on any host: the tests' servers listen on random ports
	r, err := gorillamux.NewRouter(d)
	if err != nil {
		return nil, err
	}
	return &Checker{router: r, seen: map[string]int{}}, nil
}

// Check returns the ways in which one exchange departs from the document; none when it
// conforms or the route is undocumented.
func (c *Checker) Check(req *http.Request, reqBody []byte, status int, header http.Header, resBody []byte) []error {
	if undocumented(req.Method, req.URL.Path) {
		return nil
	}
	probe := req.Clone(context.Background())
	probe.Body = io.NopCloser(bytes.NewReader(reqBody))
	route, params, err := c.router.FindRoute(probe)
	if err != nil {
		// A path or method the server does not serve either is not in the document; its
		// answer must still be a problem, like every error.
		if status == http.StatusNotFound || status == http.StatusMethodNotAllowed {
			if mt, _, _ := mime.ParseMediaType(header.Get("Content-Type")); mt != ProblemMediaType {
				return []error{fmt.Errorf("%s %s → %d: an error answered with %q instead of %s", req.Method, req.URL.Path, status, mt, ProblemMediaType)}
			}
			return nil
		}
		return []error{fmt.Errorf("%s %s → %d: not in the document (%v)", req.Method, req.URL.Path, status, err)}
	}
	c.mu.Lock()
	c.seen[fmt.Sprintf("%s %s %d", req.Method, route.Path, status)]++
	c.mu.Unlock()

	opts := &openapi3filter.Options{
		AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
		IncludeResponseStatus: true,
		MultiError:            true,
	}
	in := &openapi3filter.RequestValidationInput{Request: probe, PathParams: params, Route: route, Options: opts}
	var errs []error
	if status < 400 {
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			errs = append(errs, fmt.Errorf("%s %s → %d: the request was accepted but the document calls it invalid: %w", req.Method, req.URL, status, err))
		}
	}
	resOpts := *opts
	if !isJSON(header.Get("Content-Type")) || req.Method == http.MethodHead {
		resOpts.ExcludeResponseBody = true // bytes of a video, or no body at all
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: status, Header: header, Options: &resOpts}
	out.SetBodyBytes(resBody)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		errs = append(errs, fmt.Errorf("%s %s → %d (%s): the response departs from the document: %w\n  body: %s",
			req.Method, req.URL, status, header.Get("Content-Type"), err, excerpt(resBody, header)))
	}
	return errs
}

// Seen lists the operations and statuses checked so far, with their counts.
func (c *Checker) Seen() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.seen))
	for k, v := range c.seen {
		out[k] = v
	}
	return out
}

// Transport checks every exchange with its Base transport against the document; Report
// gets each departure. Only requests to Host are checked.
type Transport struct {
	Base    http.RoundTripper
	Checker *Checker
	Host    string
	Report  func(error)
}

// RoundTrip sends the request and checks the exchange; the caller sees the same response.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	if req.URL.Host != t.Host {
		return base.RoundTrip(req)
	}
	var reqBody []byte
	if req.Body != nil && req.Body != http.NoBody {
		var err error
		reqBody, err = io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(reqBody)), nil }
		req.ContentLength = int64(len(reqBody))
	}
	res, err := base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	resBody, err := io.ReadAll(res.Body)
	_ = res.Body.Close()
	if err != nil {
		return nil, err
	}
	res.Body = io.NopCloser(bytes.NewReader(resBody))
	for _, e := range t.Checker.Check(req, reqBody, res.StatusCode, res.Header, resBody) {
		t.Report(e)
	}
	return res, nil
}

// Missing lists the operations of the document that no checked exchange reached.
func (c *Checker) Missing(doc []byte) ([]string, error) {
	d, err := openapi3.NewLoader().LoadFromData(doc)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for k := range c.Seen() {
		i := strings.LastIndexByte(k, ' ')
		seen[k[:i]] = true
	}
	var out []string
	for path, item := range d.Paths.Map() {
		for method := range item.Operations() {
			if k := method + " " + path; !seen[k] {
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

func undocumented(method, path string) bool {
	for _, u := range Undocumented {
		m, p, _ := strings.Cut(u, " ")
		if m != method {
			continue
		}
		if prefix, ok := strings.CutSuffix(p, "*"); ok && strings.HasPrefix(path, prefix) || p == path {
			return true
		}
	}
	return false
}

func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

func excerpt(body []byte, h http.Header) string {
	if !isJSON(h.Get("Content-Type")) {
		return fmt.Sprintf("(%d bytes)", len(body))
	}
	if len(body) > 600 {
		return string(body[:600]) + "…"
	}
	return string(body)
}
