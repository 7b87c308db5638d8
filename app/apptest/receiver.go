package apptest

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"
)

// Received is one webhook request a Receiver accepted.
type Received struct {
	// ID is the webhook-id header, the event's stable id.
	ID        string
	Type      string
	Timestamp time.Time
	Data      json.RawMessage
	Header    http.Header
	At        time.Time
}

// Receiver is a webhook endpoint for tests: an HTTP server on 127.0.0.1 that verifies
// every request with VerifyWebhook (the README's snippet) and records the events. It can
// go down (its port refuses connections) and come back on the same port.
type Receiver struct {
	t      testing.TB
	addr   string
	mu     sync.Mutex
	secret string
	status int
	srv    *http.Server
	got    []Received
	bad    []string
}

// NewReceiver starts a receiver; it stops at the end of the test.
func NewReceiver(t testing.TB) *Receiver {
	t.Helper()
	r := &Receiver{t: t, status: http.StatusNoContent}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r.addr = ln.Addr().String()
	r.serve(ln)
	t.Cleanup(r.Stop)
	return r
}

// URL is the receiver's URL.
func (r *Receiver) URL() string { return "http://" + r.addr + "/hooks/vms" }

// SetSecret sets the signing secret the endpoint was created with.
func (r *Receiver) SetSecret(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.secret = s
}

// SetStatus sets the status every request is answered with (204 by default).
func (r *Receiver) SetStatus(code int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.status = code
}

func (r *Receiver) serve(ln net.Listener) {
	srv := &http.Server{Handler: http.HandlerFunc(r.handle), ReadHeaderTimeout: 5 * time.Second}
	r.mu.Lock()
	r.srv = srv
	r.mu.Unlock()
	go func() { _ = srv.Serve(ln) }()
}

// Stop takes the receiver down: its port refuses connections until Start.
func (r *Receiver) Stop() {
	r.mu.Lock()
	srv := r.srv
	r.srv = nil
	r.mu.Unlock()
	if srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}
}

// Start brings a stopped receiver back on its port.
func (r *Receiver) Start() {
	r.t.Helper()
	var ln net.Listener
	var err error
	for range 50 {
		if ln, err = net.Listen("tcp", r.addr); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		r.t.Fatalf("receiver: listen on %s again: %v", r.addr, err)
	}
	r.serve(ln)
}

func (r *Receiver) handle(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	r.mu.Lock()
	defer r.mu.Unlock()
	fail := func(msg string) {
		r.bad = append(r.bad, msg)
		http.Error(w, msg, http.StatusBadRequest)
	}
	if err != nil {
		fail("read body: " + err.Error())
		return
	}
	if req.Method != http.MethodPost || req.Header.Get("Content-Type") != "application/json" {
		fail("not a JSON POST: " + req.Method + " " + req.Header.Get("Content-Type"))
		return
	}
	if err := VerifyWebhook(r.secret, req.Header, body, time.Now()); err != nil {
		fail("signature: " + err.Error())
		return
	}
	var ev struct {
		Type      string          `json:"type"`
		Timestamp time.Time       `json:"timestamp"`
		Data      json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &ev); err != nil || ev.Type == "" || ev.Timestamp.IsZero() || len(ev.Data) == 0 {
		fail("body is not {type, timestamp, data}: " + string(body))
		return
	}
	r.got = append(r.got, Received{ID: req.Header.Get("webhook-id"), Type: ev.Type, Timestamp: ev.Timestamp, Data: ev.Data, Header: req.Header.Clone(), At: time.Now()})
	w.WriteHeader(r.status)
}

// All returns every request accepted so far, duplicates included.
func (r *Receiver) All() []Received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}

// Failures returns the requests the receiver refused (bad signature or body).
func (r *Receiver) Failures() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.bad)
}

// Events returns the events received, one per event id (the first delivery of each).
func (r *Receiver) Events() []Received {
	seen := map[string]bool{}
	var out []Received
	for _, e := range r.All() {
		if !seen[e.ID] {
			seen[e.ID] = true
			out = append(out, e)
		}
	}
	return out
}

// Await waits until done holds for the distinct events received, and returns them; it
// fails the test after timeout, or at once when a request failed verification.
func (r *Receiver) Await(timeout time.Duration, what string, done func([]Received) bool) []Received {
	r.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if bad := r.Failures(); len(bad) > 0 {
			r.t.Fatalf("receiver refused requests: %v", bad)
		}
		evs := r.Events()
		if done(evs) {
			return evs
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("after %s the receiver has %d events, not %s", timeout, len(evs), what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// OfType returns the events of one type.
func OfType(evs []Received, typ string) []Received {
	var out []Received
	for _, e := range evs {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

// ErrNoEvent is what DataOf reports for an event without data.
var ErrNoEvent = errors.New("no such event")

// DataOf decodes the data of the first event of the type.
func DataOf(evs []Received, typ string, v any) error {
	for _, e := range evs {
		if e.Type == typ {
			return json.Unmarshal(e.Data, v)
		}
	}
	return ErrNoEvent
}
