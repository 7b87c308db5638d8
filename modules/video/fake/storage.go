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
	"time"

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
}

var _ ports.Storage = (*Storage)(nil)

// NewStorage returns an empty storage.
func NewStorage() *Storage { return &Storage{objects: map[string][]byte{}} }

// Put stores r under a generated key while hashing it, up to maxBytes.
func (s *Storage) Put(ctx context.Context, r io.Reader, maxBytes int64) (ports.StoredObject, error) {
	var buf bytes.Buffer
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(&buf, h), io.LimitReader(r, maxBytes+1))
	if err != nil {
		return ports.StoredObject{}, fmt.Errorf("store: %w", err)
	}
	if n > maxBytes {
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
		return nil, errors.New("object not found")
	}
	return nopCloser{bytes.NewReader(b)}, nil
}

// Delete removes an object.
func (s *Storage) Delete(_ context.Context, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.objects, key)
	s.Deleted = append(s.Deleted, key)
	return nil
}

// PresignGet answers PresignBase + key when PresignBase is set.
func (s *Storage) PresignGet(_ context.Context, key string, _ time.Duration) (string, bool, error) {
	if s.PresignBase == "" {
		return "", false, nil
	}
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

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

// Sources is a ports.Sources that serves registered URLs from memory.
type Sources struct {
	mu      sync.Mutex
	Bodies  map[string][]byte
	Headers []http.Header
}

var _ ports.Sources = (*Sources)(nil)

// NewSources returns a Sources with no bodies.
func NewSources() *Sources { return &Sources{Bodies: map[string][]byte{}} }

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

// Fetch serves the body registered for raw (with Range support), or fails with bad_gateway.
func (s *Sources) Fetch(_ context.Context, method, raw string, header http.Header) (*http.Response, error) {
	s.mu.Lock()
	body, ok := s.Bodies[raw]
	s.Headers = append(s.Headers, header.Clone())
	s.mu.Unlock()
	if !ok {
		return nil, kind.New(kind.BadGateway, "source unreachable")
	}
	res := &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, ContentLength: int64(len(body))}
	res.Header.Set("Content-Type", "video/mp4")
	res.Header.Set("Accept-Ranges", "bytes")
	var start, end int64 = 0, int64(len(body)) - 1
	if rg := header.Get("Range"); rg != "" {
		if _, err := fmt.Sscanf(rg, "bytes=%d-%d", &start, &end); err == nil && start <= end && end < int64(len(body)) {
			res.StatusCode = http.StatusPartialContent
			res.Header.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, end, len(body)))
			res.ContentLength = end - start + 1
		} else {
			start, end = 0, int64(len(body))-1
		}
	}
	if method == http.MethodHead {
		res.Body = io.NopCloser(strings.NewReader(""))
	} else {
		res.Body = io.NopCloser(bytes.NewReader(body[start : end+1]))
	}
	res.Header.Set("Content-Length", fmt.Sprint(res.ContentLength))
	return res, nil
}
