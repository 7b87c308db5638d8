// Package fake holds in-memory implementations of the media module's ports, for tests.
package fake

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"vms/modules/media/domain"
	"vms/modules/media/ports"
	"vms/platform/kind"
)

// Repository is an in-memory ports.Repository.
type Repository struct {
	mu   sync.Mutex
	rows map[int64]domain.Media
	// Err, when set, fails every call.
	Err error
}

var _ ports.Repository = (*Repository)(nil)

// NewRepository builds an empty repository.
func NewRepository() *Repository { return &Repository{rows: map[int64]domain.Media{}} }

// Get returns a video's media.
func (r *Repository) Get(ctx context.Context, videoID int64) (domain.Media, bool, error) {
	if err := ctx.Err(); err != nil {
		return domain.Media{}, false, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Err != nil {
		return domain.Media{}, false, r.Err
	}
	m, ok := r.rows[videoID]
	return m, ok, nil
}

// GetMany returns the media of those videos that have any.
func (r *Repository) GetMany(_ context.Context, ids []int64) (map[int64]domain.Media, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Err != nil {
		return nil, r.Err
	}
	out := map[int64]domain.Media{}
	for _, id := range ids {
		if m, ok := r.rows[id]; ok {
			out[id] = m
		}
	}
	return out, nil
}

// Begin inserts or resets a row.
func (r *Repository) Begin(_ context.Context, videoID int64, key string, status domain.Status) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Err != nil {
		return r.Err
	}
	m := r.rows[videoID]
	m.VideoID, m.OriginalKey, m.Status, m.Error = videoID, key, status, ""
	r.rows[videoID] = m
	return nil
}

// Save writes what processing found.
func (r *Repository) Save(_ context.Context, m domain.Media) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Err != nil {
		return r.Err
	}
	if _, ok := r.rows[m.VideoID]; ok {
		r.rows[m.VideoID] = m
	}
	return nil
}

// Fail marks processing failed; like a database, it refuses an ended context.
func (r *Repository) Fail(ctx context.Context, videoID int64, reason string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Err != nil {
		return r.Err
	}
	if m, ok := r.rows[videoID]; ok {
		m.Status, m.Error = domain.Failed, reason
		r.rows[videoID] = m
	}
	return nil
}

// Files is an in-memory ports.Files.
type Files struct {
	mu      sync.Mutex
	objects map[string][]byte
	next    int
	// PutErr, when set, fails every Put; DeleteErr every Delete.
	PutErr    error
	DeleteErr error
	// Deleted lists the keys Delete was called with.
	Deleted []string
}

var _ ports.Files = (*Files)(nil)

// NewFiles builds an empty store.
func NewFiles() *Files { return &Files{objects: map[string][]byte{}} }

// Add stores an object under key.
func (f *Files) Add(key string, b []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.objects[key] = b
}

// Keys lists the stored keys.
func (f *Files) Keys() map[string][]byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[string][]byte, len(f.objects))
	for k, v := range f.objects {
		out[k] = v
	}
	return out
}

// Open opens an object.
func (f *Files) Open(_ context.Context, key string) (io.ReadSeekCloser, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, ok := f.objects[key]
	if !ok {
		return nil, kind.New(kind.NotFound, "no object "+key)
	}
	return nopCloser{bytes.NewReader(b)}, nil
}

// Put stores a derived file under a generated key.
func (f *Files) Put(_ context.Context, r io.Reader, _ string) (string, error) {
	if f.PutErr != nil {
		return "", f.PutErr
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return "", err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.next++
	key := fmt.Sprintf("derived-%d", f.next)
	f.objects[key] = b
	return key, nil
}

// Delete removes an object.
func (f *Files) Delete(_ context.Context, key string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Deleted = append(f.Deleted, key)
	if f.DeleteErr != nil {
		return f.DeleteErr
	}
	delete(f.objects, key)
	return nil
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

// Tools is a scripted ports.Tools that records the poster offsets it was asked for.
type Tools struct {
	mu       sync.Mutex
	Probed   domain.Probe
	ProbeErr error
	JPEG     []byte
	ShotErr  error
	Offsets  []float64
	Widths   []int
	Probes   int
	// OnProbe, when set, runs during Probe (e.g. to end the job's context).
	OnProbe func()
}

var _ ports.Tools = (*Tools)(nil)

// Probe returns the scripted probe after reading the input once.
func (t *Tools) Probe(ctx context.Context, in ports.Input) (domain.Probe, error) {
	t.mu.Lock()
	t.Probes++
	t.mu.Unlock()
	if t.OnProbe != nil {
		t.OnProbe()
	}
	r, err := in.Open(ctx)
	if err != nil {
		return domain.Probe{}, err
	}
	_ = r.Close()
	return t.Probed, t.ProbeErr
}

// Poster returns the scripted JPEG.
func (t *Tools) Poster(ctx context.Context, in ports.Input, offset float64, maxWidth int) ([]byte, error) {
	t.mu.Lock()
	t.Offsets = append(t.Offsets, offset)
	t.Widths = append(t.Widths, maxWidth)
	t.mu.Unlock()
	r, err := in.Open(ctx)
	if err != nil {
		return nil, err
	}
	_ = r.Close()
	return t.JPEG, t.ShotErr
}

// Queue records enqueued videos.
type Queue struct {
	mu  sync.Mutex
	IDs []int64
	Err error
}

// Enqueue records the video.
func (q *Queue) Enqueue(_ context.Context, videoID int64) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.Err != nil {
		return q.Err
	}
	q.IDs = append(q.IDs, videoID)
	return nil
}

// UoW runs the function as it is.
type UoW struct{}

// Do calls fn.
func (UoW) Do(ctx context.Context, fn func(ctx context.Context) error) error { return fn(ctx) }

// ErrStorage is a transient storage failure for tests.
var ErrStorage = errors.New("storage unavailable")
