// Package fake holds in-memory implementations of the analytics module's ports, for tests.
package fake

import (
	"bytes"
	"cmp"
	"context"
	"io"
	"maps"
	"slices"
	"sync"

	"vms/modules/analytics/domain"
	"vms/modules/analytics/ports"
	"vms/platform/kind"
	"vms/platform/principal"
)

type key struct{ video, user int64 }

// Repository is an in-memory ports.Repository. Videos and Users name the rows that
// exist; a watch of anything else is left out, as the database does. Nil means every
// video or user exists.
type Repository struct {
	mu      sync.Mutex
	watches map[key]domain.Watch
	Videos  map[int64]bool
	Users   map[int64]bool
	// Err, when set, fails every call.
	Err error
	// Merges counts the calls of Merge.
	Merges int
}

var _ ports.Repository = (*Repository)(nil)

// NewRepository builds an empty repository.
func NewRepository() *Repository { return &Repository{watches: map[key]domain.Watch{}} }

// Merge adds the watches.
func (r *Repository) Merge(_ context.Context, watches []domain.Watch) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.Merges++
	if r.Err != nil {
		return r.Err
	}
	for _, w := range watches {
		if (r.Videos != nil && !r.Videos[w.VideoID]) || (r.Users != nil && !r.Users[w.UserID]) {
			continue
		}
		k := key{w.VideoID, w.UserID}
		if old, ok := r.watches[k]; ok {
			w = old.Merge(w)
		}
		w.Seconds = slices.Clone(w.Seconds)
		r.watches[k] = w
	}
	return nil
}

// Each calls fn with a video's watches, by user.
func (r *Repository) Each(_ context.Context, videoID int64, fn func(domain.Watch) error) error {
	r.mu.Lock()
	if r.Err != nil {
		r.mu.Unlock()
		return r.Err
	}
	var ws []domain.Watch
	for _, k := range slices.SortedFunc(maps.Keys(r.watches), func(a, b key) int { return cmp.Compare(a.user, b.user) }) {
		if k.video == videoID {
			ws = append(ws, r.watches[k])
		}
	}
	r.mu.Unlock()
	for _, w := range ws {
		if err := fn(w); err != nil {
			return err
		}
	}
	return nil
}

// Watch returns the stored watch of a user and video.
func (r *Repository) Watch(videoID, userID int64) (domain.Watch, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	w, ok := r.watches[key{videoID, userID}]
	return w, ok
}

// Snapshot lets a fake unit of work roll the repository back.
func (r *Repository) Snapshot() (restore func()) {
	r.mu.Lock()
	saved := maps.Clone(r.watches)
	r.mu.Unlock()
	return func() {
		r.mu.Lock()
		r.watches = saved
		r.mu.Unlock()
	}
}

// Media is an in-memory ports.Media: originals and playlists by video id.
type Media struct {
	mu        sync.Mutex
	Originals map[int64][]byte
	Playlists map[int64]map[string]string
	// Err, when set, fails every call.
	Err error
	// Opens counts the calls of Original, Reads those of Playlist.
	Opens, Reads int
}

var _ ports.Media = (*Media)(nil)

var errMissing = kind.New(kind.NotFound, "no such file")

// Original opens a video's original.
func (m *Media) Original(_ context.Context, videoID int64) (io.ReadSeekCloser, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.Opens++
	if m.Err != nil {
		return nil, m.Err
	}
	b, ok := m.Originals[videoID]
	if !ok {
		return nil, errMissing
	}
	return nopCloser{bytes.NewReader(b)}, nil
}

// Playlist reads a rendition's media playlist.
func (m *Media) Playlist(_ context.Context, videoID int64, rendition string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.Reads++
	if m.Err != nil {
		return "", m.Err
	}
	p, ok := m.Playlists[videoID][rendition]
	if !ok {
		return "", errMissing
	}
	return p, nil
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

// Videos is an in-memory ports.Videos: the owner of each video, all of them public.
type Videos map[int64]int64

var _ ports.Videos = Videos(nil)

// Owner returns the video's corporation.
func (v Videos) Owner(_ context.Context, _ principal.Principal, videoID int64) (int64, error) {
	c, ok := v[videoID]
	if !ok {
		return 0, kind.New(kind.NotFound, "video not found")
	}
	return c, nil
}
