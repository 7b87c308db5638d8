package fake

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"vms/modules/video/domain"
	"vms/modules/video/ports"
	"vms/platform/kind"
)

// errTooLarge is the error Storage.Put returns past the limit.
var errTooLarge = kind.New(kind.TooLarge, "upload is larger than the limit")

// Storage is an in-memory ports.Storage.
type Storage struct {
	mu      sync.Mutex
	objects map[string][]byte
	// PresignBase, when set, makes PresignGet answer PresignBase + key.
	PresignBase string
	// ReadyErr is returned by Ready.
	ReadyErr error
	Deleted  []string
	// Presigns records the options of every PresignGet call.
	Presigns []ports.PresignOptions
	types    map[string]string
}

var _ ports.Storage = (*Storage)(nil)

// NewStorage returns an empty storage.
func NewStorage() *Storage {
	return &Storage{objects: map[string][]byte{}, types: map[string]string{}}
}

// Put stores r under a generated key while hashing it, up to opts.MaxBytes (0: no limit),
// and remembers opts.ContentType.
func (s *Storage) Put(ctx context.Context, r io.Reader, opts ports.PutOptions) (ports.StoredObject, error) {
	var buf bytes.Buffer
	h := sha256.New()
	if opts.MaxBytes > 0 {
		r = io.LimitReader(r, opts.MaxBytes+1)
	}
	n, err := io.Copy(io.MultiWriter(&buf, h), r)
	if err != nil {
		return ports.StoredObject{}, fmt.Errorf("store: %w", err)
	}
	if opts.MaxBytes > 0 && n > opts.MaxBytes {
		return ports.StoredObject{}, errTooLarge
	}
	if err := ctx.Err(); err != nil {
		return ports.StoredObject{}, err
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	key := hex.EncodeToString(b[:])
	s.mu.Lock()
	s.objects[key] = buf.Bytes()
	s.types[key] = opts.ContentType
	s.mu.Unlock()
	return ports.StoredObject{Key: key, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// Add stores data under key directly.
func (s *Storage) Add(key string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.objects[key] = data
}

// Open opens an object.
func (s *Storage) Open(_ context.Context, key string) (io.ReadSeekCloser, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.objects[key]
	if !ok {
		return nil, kind.New(kind.NotFound, "object not found")
	}
	return nopCloser{bytes.NewReader(b)}, nil
}

// Delete removes an object.
func (s *Storage) Delete(_ context.Context, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.objects, key)
	delete(s.types, key)
	s.Deleted = append(s.Deleted, key)
	return nil
}

// PresignGet answers PresignBase + key when PresignBase is set, recording opts.
func (s *Storage) PresignGet(_ context.Context, key string, opts ports.PresignOptions) (string, bool, error) {
	if s.PresignBase == "" {
		return "", false, nil
	}
	s.mu.Lock()
	s.Presigns = append(s.Presigns, opts)
	s.mu.Unlock()
	return s.PresignBase + key, true, nil
}

// Ready returns ReadyErr.
func (s *Storage) Ready(context.Context) error { return s.ReadyErr }

// Keys returns the stored keys.
func (s *Storage) Keys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.objects))
	for k := range s.objects {
		out = append(out, k)
	}
	return out
}

// Object returns an object's bytes.
func (s *Storage) Object(key string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.objects[key]
	return b, ok
}

// ContentType returns the content type an object was stored with.
func (s *Storage) ContentType(key string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.types[key]
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

// Sources is a ports.Sources that serves registered URLs from memory.
type Sources struct {
	mu     sync.Mutex
	Bodies map[string][]byte
	// Status, when set, is the status every fetch answers, with an empty body.
	Status int
	// Requests records every fetch's request.
	Requests []domain.SourceRequest
	// Closed counts closed response bodies.
	Closed atomic.Int64
}

var _ ports.Sources = (*Sources)(nil)

// NewSources returns a Sources with no bodies.
func NewSources() *Sources { return &Sources{Bodies: map[string][]byte{}} }

// LastRequest returns the last fetch's request.
func (s *Sources) LastRequest() domain.SourceRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.Requests) == 0 {
		return domain.SourceRequest{}
	}
	return s.Requests[len(s.Requests)-1]
}

type badGateway struct{ msg string }

func (e badGateway) Error() string   { return e.msg }
func (e badGateway) Kind() kind.Kind { return kind.BadGateway }

// Validate accepts http and https URLs with a host that is not "internal".
func (s *Sources) Validate(raw string) error {
	if !strings.HasPrefix(raw, "http://") && !strings.HasPrefix(raw, "https://") {
		return errors.New("must be an http or https URL")
	}
	if strings.Contains(raw, "internal") || strings.Contains(raw, "127.0.0.1") {
		return errors.New("must not point at an internal address")
	}
	return nil
}

// Fetch serves the body registered for raw (with single-range support), or fails with
// bad_gateway.
func (s *Sources) Fetch(_ context.Context, raw string, req domain.SourceRequest) (domain.SourceResponse, error) {
	s.mu.Lock()
	body, ok := s.Bodies[raw]
	s.Requests = append(s.Requests, req)
	status := s.Status
	s.mu.Unlock()
	if !ok {
		return domain.SourceResponse{}, badGateway{"source unreachable"}
	}
	res := domain.SourceResponse{Status: http.StatusOK, ContentLength: int64(len(body)), ContentType: "video/mp4", AcceptRanges: "bytes"}
	if status != 0 {
		res = domain.SourceResponse{Status: status, ContentLength: 0, ContentType: "text/html"}
		body = nil
	}
	var start, end int64 = 0, int64(len(body)) - 1
	if rg := req.Range; rg != "" && status == 0 {
		if _, err := fmt.Sscanf(rg, "bytes=%d-%d", &start, &end); err == nil && start <= end && end < int64(len(body)) {
			res.Status = http.StatusPartialContent
			res.ContentRange = fmt.Sprintf("bytes %d-%d/%d", start, end, len(body))
			res.ContentLength = end - start + 1
		} else {
			start, end = 0, int64(len(body))-1
		}
	}
	var r io.Reader = strings.NewReader("")
	if !req.Head && len(body) > 0 {
		r = bytes.NewReader(body[start : end+1])
	}
	res.Body = &countingCloser{Reader: r, n: &s.Closed}
	return res, nil
}

type countingCloser struct {
	io.Reader
	n *atomic.Int64
}

func (c *countingCloser) Close() error { c.n.Add(1); return nil }
