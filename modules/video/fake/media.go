package fake

import (
	"context"
	"sync"

	"vms/modules/video/domain"
	"vms/modules/video/ports"
	"vms/platform/kind"
)

// Media is an in-memory ports.Media: facts and HLS files set by the test.
type Media struct {
	mu    sync.Mutex
	Facts map[int64]domain.Media
	// HLS maps a video to its HLS paths and their storage keys.
	HLS         map[int64]map[string]string
	Reprocessed []int64
	Err         error
}

var _ ports.Media = (*Media)(nil)

// NewMedia builds an empty fake.
func NewMedia() *Media {
	return &Media{Facts: map[int64]domain.Media{}, HLS: map[int64]map[string]string{}}
}

// Of returns the facts set for the videos (ready and empty otherwise).
func (m *Media) Of(_ context.Context, ids []int64) (map[int64]domain.Media, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Err != nil {
		return nil, m.Err
	}
	out := map[int64]domain.Media{}
	for _, id := range ids {
		f, ok := m.Facts[id]
		if !ok {
			f = domain.Media{Status: domain.MediaReady}
		}
		out[id] = f
	}
	return out, nil
}

// Poster finds no poster.
func (m *Media) Poster(context.Context, int64) (domain.Poster, error) {
	return domain.Poster{}, kind.New(kind.NotFound, "no poster")
}

// Reprocess records the request.
func (m *Media) Reprocess(_ context.Context, videoID int64, _ string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.Reprocessed = append(m.Reprocessed, videoID)
	return m.Err
}

// HLSFile returns the key set for the path.
func (m *Media) HLSFile(_ context.Context, videoID int64, path string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Err != nil {
		return "", m.Err
	}
	if key, ok := m.HLS[videoID][path]; ok {
		return key, nil
	}
	return "", kind.New(kind.NotFound, "no such HLS file")
}
